import type { Context } from 'hono';
import { z } from 'zod';
import { formatDate, formatTime, translate, type StringKey } from '../../emails/index.ts';
import { createRouter, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { doc } from '../lib/openapi.ts';
import { validate } from '../lib/validate.ts';
import { page } from '../pages/layout.tsx';
import { cancelSignup } from '../services/signups/status.ts';
import { placeByToken } from '../services/signups/place.ts';
import { itemName } from '../services/variants/upsert.ts';

const tokenParam = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/) });

async function render(c: Context<AppEnv>, tokenValue: string) {
  let view;
  try {
    view = await placeByToken(c.get('deps'), tokenValue);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return c.html(page({ title: translate('en', 'page.notFound'), children: null }), 404);
    throw error;
  }
  const { shop, contact, signup, variant, position, eta, offer } = view;
  const locale = signup.locale;
  const t = (key: StringKey, vars: Record<string, string | number> = {}) =>
    translate(locale, key, { item: itemName(variant), position: position ?? '', status: signup.status, ...vars }, shop.settings.strings);
  const active = ['pending', 'waiting', 'offered'].includes(signup.status);
  const status =
    signup.status === 'waiting'
      ? t('page.status.waiting')
      : signup.status === 'pending'
        ? t('page.status.pending')
        : offer
          ? t('page.status.offered', { time: formatTime(offer.expiresAt, locale, shop.settings.timezone) })
          : t('page.status.ended');
  c.header('Cache-Control', 'no-store');
  return c.html(
    page({
      title: t('page.status.title'),
      shop: shop.name,
      lang: locale,
      children: (
        <>
          <p>{status}</p>
          {eta && active ? <p>{t('email.eta', { earliest: formatDate(eta.earliest, locale), latest: formatDate(eta.latest, locale) })}</p> : null}
          {offer ? (
            <p>
              <a href={offer.claimUrl}>{t('page.status.claim')}</a>
            </p>
          ) : null}
          {active ? (
            <form method="post">
              <input type="hidden" name="action" value="leave" />
              <button type="submit" class="secondary">
                {t('page.status.leave')}
              </button>
            </form>
          ) : null}
          {shop.settings.contact ? <p class="shop">{translate(contact.locale, 'email.contact', { contact: shop.settings.contact })}</p> : null}
        </>
      ),
    }),
  );
}

/** A place's own page, linked from the messages its contact gets; the GET changes nothing. */
export const placeRoutes = createRouter()
  .get('/s/:token', doc('Links', 'token', "A place's status page: position, ETA range, any hold, and a leave button (changes nothing).", { 200: { description: 'HTML page' } }), validate('param', tokenParam), (c) =>
    render(c, c.req.valid('param').token),
  )
  .post('/s/:token', doc('Links', 'token', 'Leaves the line (form field action=leave); a hold goes to the next person.', { 200: { description: 'HTML page' } }), validate('param', tokenParam), async (c) => {
    const { token } = c.req.valid('param');
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    if (form.action === 'leave') {
      try {
        await cancelSignup(c.get('deps'), token);
      } catch (error) {
        // Unknown (404, rendered below) or already used for a purchase (the page says how it ended).
        if (!(error instanceof AppError)) throw error;
      }
    }
    return render(c, token);
  });
