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

const tokenParam = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'is not a valid link') });

function shown(c: Context<AppEnv>, tokenValue: string) {
  const found = backorderByToken(c.get('deps').db, tokenValue);
  const { line, shop, variant } = found;
  const vars = {
    item: itemName(variant),
    quantity: line.quantity - line.served,
    order: line.orderId,
    amount: money(refundOf(line), line.currency, line.locale),
  };
  const t = (key: Parameters<typeof translate>[1]) => translate(line.locale, key, vars, shop.settings.strings);
  return { ...found, t };
}

function orNotFound(c: Context<AppEnv>, render: () => Response) {
  try {
    return render();
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return c.html(page({ title: translate('en', 'page.notFound'), children: null }), 404);
    throw error;
  }
}

/** The cancel-for-refund link in backorder messages: a page that asks, and a POST that does it. */
export const backorderRoutes = createRouter()
  .get('/b/:token', doc('Links', 'token', 'The backorder cancel-for-refund page.', { 200: { description: 'HTML page' } }), validate('param', tokenParam), (c) =>
    orNotFound(c, () => {
      const { line, shop, t } = shown(c, c.req.valid('param').token);
      const done = line.status === 'shipped' ? t('page.backorder.shipped') : line.status === 'cancelled' ? t('page.backorder.cancelled') : null;
      return c.html(
        page({
          title: t('page.backorder.title'),
          shop: shop.name,
          lang: line.locale,
          children: done ? (
            <p>{done}</p>
          ) : (
            <form method="post">
              <p>{t('page.backorder.question')}</p>
              <button type="submit">{t('page.backorder.button')}</button>
            </form>
          ),
        }),
        done ? 410 : 200,
      );
    }),
  )
  .post('/b/:token', doc('Links', 'token', 'Cancels what a backorder line is still owed, for a full refund.', { 200: { description: 'HTML page' } }), validate('param', tokenParam), (c) =>
    orNotFound(c, () => {
      const { token } = c.req.valid('param');
      const { t, line } = shown(c, token);
      const { outcome, shop } = cancelBackorder(c.get('deps'), token);
      const text = outcome === 'cancelled' ? t('page.backorder.done') : outcome === 'shipped' ? t('page.backorder.shipped') : t('page.backorder.cancelled');
      return c.html(page({ title: t('page.backorder.title'), shop: shop.name, lang: line.locale, children: <p>{text}</p> }), outcome === 'cancelled' ? 200 : 409);
    }),
  );
