import type { Context } from 'hono';
import { doc } from '../lib/openapi.ts';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { signups, variants } from '../../db/schema/index.ts';
import { translate } from '../../emails/index.ts';
import { createRouter, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { validate } from '../lib/validate.ts';
import { page } from '../pages/layout.tsx';
import { contactByToken, leaveBySignupToken, unsubscribeEmail } from '../services/contacts/unsubscribe.ts';
import { itemName } from '../services/variants/upsert.ts';

const tokenParam = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/) });
const leaveQuery = z.object({ s: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/).optional() });

/** Links in messages answer with pages, not JSON: a shopper clicked them. */
function notFoundPage(c: Context<AppEnv>) {
  return c.html(page({ title: translate('en', 'page.notFound'), children: null }), 404);
}

async function itemForSignup(c: Context<AppEnv>, contactId: number, signupToken: string | undefined): Promise<string | null> {
  if (!signupToken) return null;
  const [row] = await c.get('deps').db
    .select({ variant: variants })
    .from(signups)
    .innerJoin(variants, and(eq(variants.shopId, signups.shopId), eq(variants.id, signups.variantId)))
    .where(and(eq(signups.token, signupToken), eq(signups.contactId, contactId)));
  return row ? itemName(row.variant) : null;
}

export const linkRoutes = createRouter()
  .get('/u/:token', doc('Links', 'token', 'The unsubscribe and leave-the-list page (changes nothing).', { 200: { description: 'HTML page' } }), validate('param', tokenParam), validate('query', leaveQuery), async (c) => {
    let found;
    try {
      found = await contactByToken(c.get('deps').db, c.req.valid('param').token);
    } catch {
      return notFoundPage(c);
    }
    const { contact, shop } = found;
    const signupToken = c.req.valid('query').s;
    const item = await itemForSignup(c, contact.id, signupToken);
    const t = (key: Parameters<typeof translate>[1], vars: Record<string, string> = {}) =>
      translate(contact.locale, key, { shop: shop.name, email: contact.email ?? '', item: item ?? '', ...vars }, shop.settings.strings);
    // GET never changes anything (mail scanners follow links); the buttons POST.
    return c.html(
      page({
        title: t('page.unsubscribe.title'),
        shop: shop.name,
        lang: contact.locale,
        children: (
          <>
            {item ? (
              <form method="post">
                <p>{t('page.unsubscribe.leaveQuestion')}</p>
                <input type="hidden" name="action" value="leave" />
                <input type="hidden" name="s" value={signupToken} />
                <button type="submit">{t('page.unsubscribe.leaveButton')}</button>
              </form>
            ) : null}
            <form method="post">
              <p>{t('page.unsubscribe.allQuestion')}</p>
              <button type="submit" class={item ? 'secondary' : ''}>
                {t('page.unsubscribe.allButton')}
              </button>
            </form>
          </>
        ),
      }),
    );
  })
  .post('/u/:token', doc('Links', 'token', 'RFC 8058 one-click unsubscribe; with action=leave&s=… leaves one line.', { 200: { description: 'HTML page' } }), validate('param', tokenParam), async (c) => {
    const { token } = c.req.valid('param');
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const deps = c.get('deps');
    try {
      const { contact, shop } = await contactByToken(deps.db, token);
      const t = (key: Parameters<typeof translate>[1], item = '') =>
        translate(contact.locale, key, { shop: shop.name, email: contact.email ?? '', item }, shop.settings.strings);
      if (form.action === 'leave' && typeof form.s === 'string') {
        const item = (await itemForSignup(c, contact.id, form.s)) ?? '';
        await leaveBySignupToken(deps, token, form.s);
        return c.html(page({ title: t('page.unsubscribe.title'), shop: shop.name, lang: contact.locale, children: <p>{t('page.unsubscribe.left', item)}</p> }));
      }
      // RFC 8058 one-click (body "List-Unsubscribe=One-Click") and the page's own button.
      await unsubscribeEmail(deps, token);
      return c.html(page({ title: t('page.unsubscribe.title'), shop: shop.name, lang: contact.locale, children: <p>{t('page.unsubscribe.done')}</p> }));
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return notFoundPage(c);
      throw error;
    }
  });
