import type { Context } from 'hono';
import { doc } from '../lib/openapi.ts';
import { z } from 'zod';
import { money, translate } from '../../emails/index.ts';
import { createRouter, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { validate } from '../lib/validate.ts';
import { page } from '../pages/layout.tsx';
import { backorderByToken, cancelBackorder, refundOf } from '../services/backorders/cancel.ts';
import { itemName } from '../services/variants/upsert.ts';
import { needsReview } from '../services/backorders/review.ts';
import type { Backorder } from '../../db/schema/index.ts';

const tokenParam = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'is not a valid link') });

async function shown(c: Context<AppEnv>, tokenValue: string) {
  const found = await backorderByToken(c.get('deps').db, tokenValue);
  const { line, shop, variant } = found;
  const vars = {
    shop: shop.name,
    item: itemName(variant),
    quantity: line.quantity - line.served,
    order: line.orderName,
    amount: money(refundOf(line), line.currency, line.locale),
  };
  const t = (key: Parameters<typeof translate>[1]) => translate(line.locale, key, vars, shop.settings.strings);
  return { ...found, t, review: line.status === 'waiting' && (await needsReview(c.get('deps').db, shop, line.orderId)) };
}

/** What the page says about a line that can no longer be cancelled here, else null. */
function settled(line: Backorder, t: Awaited<ReturnType<typeof shown>>['t']): string | null {
  if (line.refundedAt) return t('page.backorder.refunded');
  if (line.status === 'allocated') return t('page.backorder.allocated');
  if (line.status === 'shipped') return t('page.backorder.shipped');
  if (line.status === 'cancelled') return t('page.backorder.cancelled');
  return null;
}

async function orNotFound(c: Context<AppEnv>, render: () => Promise<Response>) {
  try {
    return await render();
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return c.html(page({ title: translate('en', 'page.notFound'), children: null }), 404);
    throw error;
  }
}

/** The cancel-for-refund link in backorder messages: a page that asks, and a POST that does it. */
export const backorderRoutes = createRouter()
  .get('/b/:token', doc('Links', 'token', 'The backorder cancel-for-refund page.', { 200: { description: 'HTML page' } }), validate('param', tokenParam), (c) =>
    orNotFound(c, async () => {
      const { line, shop, t, review } = await shown(c, c.req.valid('param').token);
      const done = settled(line, t);
      return c.html(
        page({
          title: t('page.backorder.title'),
          shop: shop.name,
          lang: line.locale,
          children: done ? (
            <p>{done}</p>
          ) : (
            <form method="post">
              <p>{t(review ? 'page.backorder.review' : 'page.backorder.question')}</p>
              <button type="submit">{t(review ? 'page.backorder.reviewButton' : 'page.backorder.button')}</button>
            </form>
          ),
        }),
        done ? 410 : 200,
      );
    }),
  )
  .post('/b/:token', doc('Links', 'token', 'Cancels what a backorder line is still owed and asks the shop to refund it; a large order is passed to a person instead, and nothing is cancelled.', { 200: { description: 'HTML page' } }), validate('param', tokenParam), (c) =>
    orNotFound(c, async () => {
      const { token } = c.req.valid('param');
      const { t } = await shown(c, token);
      const { outcome, shop, line } = await cancelBackorder(c.get('deps'), token);
      const text = outcome === 'cancelled' ? t('page.backorder.done') : outcome === 'review' ? t('page.backorder.reviewDone') : settled(line, t);
      const ok = outcome === 'cancelled' || outcome === 'review';
      return c.html(page({ title: t('page.backorder.title'), shop: shop.name, lang: line.locale, children: <p>{text}</p> }), ok ? 200 : 409);
    }),
  );
