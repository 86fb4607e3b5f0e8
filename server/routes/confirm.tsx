import type { Context } from 'hono';
import { z } from 'zod';
import { translate, type StringKey } from '../../emails/index.ts';
import { createRouter, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { maskContact } from '../lib/mask.ts';
import { doc } from '../lib/openapi.ts';
import { validate } from '../lib/validate.ts';
import { page } from '../pages/layout.tsx';
import { confirmByToken } from '../services/contacts/confirm.ts';
import { confirmationByToken } from '../services/contacts/confirmations.ts';

const tokenParam = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/) });

function notFound(c: Context<AppEnv>) {
  return c.html(page({ title: translate('en', 'page.notFound'), children: null }), 404);
}

/** A link already used, expired, or whose number someone else took meanwhile. */
async function spent(c: Context<AppEnv>, raw: string) {
  const { shop, contact } = await confirmationByToken(c.get('deps').db, raw, c.get('deps').clock.now());
  const title = translate(contact.locale, 'page.confirm.notPending', {}, shop.settings.strings);
  return c.html(page({ title, shop: shop.name, lang: contact.locale, children: null }), 409);
}

/**
 * Confirmation links (double opt-in, a new phone or email, email again after
 * an opt-out). Mail scanners fetch every link in an email, so the GET only
 * asks; the button POSTs.
 */
export const confirmRoutes = createRouter()
  .get('/confirm/:token', doc('Links', 'token', 'Asks to confirm (double opt-in, a new phone or email, or email again after an opt-out); changes nothing.', { 200: { description: 'HTML page' }, 409: { description: 'Used or expired' } }), validate('param', tokenParam), async (c) => {
    let found;
    try {
      found = await confirmationByToken(c.get('deps').db, c.req.valid('param').token, c.get('deps').clock.now());
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return notFound(c);
      throw error;
    }
    const { confirmation, contact, shop, item } = found;
    if (!found.open) return spent(c, c.req.valid('param').token);
    const t = (key: StringKey) =>
      translate(contact.locale, key, { item: item ?? '', shop: shop.name, value: maskContact(confirmation.kind === 'email' ? confirmation.value : null, confirmation.kind === 'phone' ? confirmation.value : null) }, shop.settings.strings);
    const question = confirmation.kind === 'optin' ? t('page.optin.question') : t(`page.change.${confirmation.kind}`);
    const button = confirmation.kind === 'optin' ? t('optin.button') : t('change.button');
    return c.html(
      page({
        title: t('page.change.title'),
        shop: shop.name,
        lang: contact.locale,
        children: (
          <form method="post">
            <p>{question}</p>
            <button type="submit">{button}</button>
          </form>
        ),
      }),
    );
  })
  .post('/confirm/:token', doc('Links', 'token', 'Confirms what the link was sent for, once.', { 200: { description: 'HTML page' }, 409: { description: 'Used, expired, or the number is taken' } }), validate('param', tokenParam), async (c) => {
    let outcome;
    try {
      outcome = await confirmByToken(c.get('deps'), c.req.valid('param').token);
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return notFound(c);
      throw error;
    }
    if (!outcome) return spent(c, c.req.valid('param').token);
    const { contact, shop } = outcome;
    const place = outcome.kind === 'optin' ? outcome.place : null;
    const t = (key: StringKey) => translate(contact.locale, key, { item: place?.item ?? '', position: place?.position ?? '' }, shop.settings.strings);
    const frame = { shop: shop.name, lang: contact.locale };
    if (outcome.kind === 'optin') {
      return c.html(page({ ...frame, title: t('page.confirm.title'), children: place ? <p>{t('page.confirm.done')}</p> : null }));
    }
    if (!outcome.applied) return spent(c, c.req.valid('param').token);
    return c.html(page({ ...frame, title: t('page.change.title'), children: <p>{t('page.change.done')}</p> }));
  });
