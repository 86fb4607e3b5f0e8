import type { Context } from 'hono';
import { doc } from '../lib/openapi.ts';
import { z } from 'zod';
import { formatTime, translate } from '../../emails/index.ts';
import { createRouter, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { validate } from '../lib/validate.ts';
import { page } from '../pages/layout.tsx';
import { recordClick, recordOpen } from '../services/messages/track.ts';
import { claimOffer, rejoinAfterOffer } from '../services/restock/claim.ts';
import type { OfferContext } from '../services/restock/offer-context.ts';
import { itemName } from '../services/variants/upsert.ts';

const tokenParam = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'is not a valid link') });
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function notFound(c: Context<AppEnv>) {
  return c.html(page({ title: translate('en', 'page.notFound'), children: null }), 404);
}

/** Turns a 404 from a service into the page a shopper should see. */
async function orNotFound(c: Context<AppEnv>, render: () => Response | Promise<Response>) {
  try {
    return await render();
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return notFound(c);
    throw error;
  }
}

function texts(context: OfferContext) {
  const { contact, shop, variant, offer } = context;
  const vars = { item: itemName(variant), time: formatTime(offer.expiresAt, contact.locale, shop.settings.timezone) };
  return (key: Parameters<typeof translate>[1], extra: Record<string, string | number> = {}) =>
    translate(contact.locale, key, { ...vars, ...extra }, shop.settings.strings);
}

export const offerRoutes = createRouter()
  .get('/claim/:token', doc('Links', 'token', 'An active hold → 302 to checkout; an ended one → a 410 page with a rejoin button.', { 302: { description: 'To checkout' }, 410: { description: 'HTML page: the hold ended' } }), validate('param', tokenParam), (c) =>
    orNotFound(c, async () => {
      const outcome = await claimOffer(c.get('deps'), c.req.valid('param').token);
      if (outcome.kind === 'checkout') return c.redirect(outcome.url, 302);
      const t = texts(outcome.context);
      const { shop, contact } = outcome.context;
      if (outcome.kind === 'active') {
        return c.html(page({ title: t('offer.heading'), shop: shop.name, lang: contact.locale, children: <p>{t('page.claim.noCheckout')}</p> }));
      }
      const { offer } = outcome.context;
      const why = offer.status === 'expired' || offer.status === 'active' ? t('page.claim.expired') : t('page.claim.gone');
      return c.html(
        page({
          title: t('page.claim.expiredTitle'),
          shop: shop.name,
          lang: contact.locale,
          children: (
            <>
              <p>{why}</p>
              {offer.status === 'purchased' ? null : (
                <form method="post" action={`/claim/${offer.token}/rejoin`}>
                  <button type="submit">{t('page.claim.rejoin')}</button>
                </form>
              )}
            </>
          ),
        }),
        410,
      );
    }),
  )
  .post('/claim/:token/rejoin', doc('Links', 'token', 'Joins the line again after a hold ended.', { 200: { description: 'HTML page' }, 201: { description: 'HTML page' } }), validate('param', tokenParam), (c) =>
    orNotFound(c, async () => {
      const { token } = c.req.valid('param');
      const { context, result } = await rejoinAfterOffer(c.get('deps'), token);
      if (!result) return c.redirect(`/claim/${token}`, 303);
      const t = texts(context);
      return c.html(
        page({
          title: t('page.claim.rejoin'),
          shop: context.shop.name,
          lang: context.contact.locale,
          children: <p>{t('page.claim.rejoined', { position: result.position ?? 1 })}</p>,
        }),
        result.created ? 201 : 200,
      );
    }),
  )
  .get('/t/o/:file', doc('Links', 'token', 'Open pixel: records the first open.', { 200: { description: 'GIF' } }), async (c) => {
    const publicId = c.req.param('file').match(/^([A-Za-z0-9_-]{8,64})\.gif$/)?.[1];
    if (publicId) await recordOpen(c.get('deps'), publicId);
    return c.body(PIXEL, 200, { 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, max-age=0' });
  })
  .get(
    '/t/c/:id',
    doc('Links', 'token', 'Click tracking: records the click, then 302 to the signed target only.', { 302: { description: 'To the target' } }),
    validate('param', z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'is not a valid link') })),
    validate('query', z.object({ u: z.string().min(1).max(2048), s: z.string().min(1).max(128) })),
    async (c) => {
      const { u, s } = c.req.valid('query');
      return c.redirect(await recordClick(c.get('deps'), c.req.valid('param').id, u, s), 302);
    },
  );
