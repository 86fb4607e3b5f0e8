import type { Context } from 'hono';
import { z } from 'zod';
import type { StringKey } from '../../emails/index.ts';
import type { Shop } from '../../db/schema/index.ts';
import { createRouter, type AppEnv } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { e164, email, plainText } from '../lib/fields.ts';
import { clientIp, rateLimit } from '../lib/http.ts';
import { doc } from '../lib/openapi.ts';
import { page } from '../pages/layout.tsx';
import { shopByPublishableKey } from '../services/shops/authenticate.ts';
import { sendStatusLinks, type StatusLookup } from '../services/status/lookup.ts';
import { plain, translator } from './status.tsx';

const lookupForm = z.object({ order: plainText(64).pipe(z.string().min(1)), contact: z.string().trim().max(254).optional(), email: z.string().optional(), phone: z.string().optional() });

/** The address as contacts store it, or null: an email is lower-cased, a phone read in the shop's country. */
function addressOf(raw: string, shop: Shop): Pick<StatusLookup, 'email' | 'phone'> | null {
  if (raw.includes('@')) {
    const parsed = email.safeParse(raw);
    return parsed.success ? { email: parsed.data } : null;
  }
  const phone = e164(raw, shop.settings.country);
  return phone ? { phone } : null;
}

async function lookupShop(c: Context<AppEnv>, key: unknown): Promise<Shop | null> {
  if (typeof key !== 'string' || !key.startsWith('pk_')) return null;
  try {
    return await shopByPublishableKey(c.get('deps'), key, c.req.raw);
  } catch (error) {
    if (error instanceof AppError && error.code === 'unauthorized') return null;
    throw error;
  }
}

function lookupPage(shop: Shop, key: string, message: StringKey | null, values: { order?: string; contact?: string } = {}): string {
  const locale = shop.settings.locale;
  const t = translator(locale, shop, {});
  return page({
    title: t('page.status.lookup.title'),
    shop: shop.name,
    lang: locale,
    children: (
      <>
        {message ? <p role="status"><strong>{t(message)}</strong></p> : <p>{t('page.status.lookup.intro')}</p>}
        <form method="post" action="/status">
          <input type="hidden" name="shop" value={key} />
          <p><label>{t('page.status.lookup.order')}<br /><input name="order" required maxLength={64} value={values.order ?? ''} autoComplete="off" /></label></p>
          <p><label>{t('page.status.lookup.contact')}<br /><input name="contact" required maxLength={254} value={values.contact ?? ''} autoComplete="email" /></label></p>
          <button type="submit">{t('page.status.lookup.button')}</button>
        </form>
      </>
    ),
  });
}

/** The order lookup (`/status`): an order name plus the address it was placed with; the link is sent to that address, never shown. */
export const statusLookupRoutes = createRouter()
  .get('/status', doc('Links', 'token', 'The order lookup form of the shop whose publishable key is `shop`.', { 200: { description: 'HTML page' } }), async (c) => {
    const key = c.req.query('shop');
    const shop = await lookupShop(c, key);
    if (!shop) return plain(c, 404, 'page.notFound');
    return c.html(lookupPage(shop, key!, null));
  })
  .post('/status', doc('Links', 'token', "Sends the order's status link to the address that placed it, if it matches; the answer is the same either way.", { 200: { description: 'HTML page' } }), async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    const shop = await lookupShop(c, text('shop'));
    if (!shop) return plain(c, 404, 'page.notFound');
    const key = text('shop')!;
    const deps = c.get('deps');
    const limited = async (limitKey: string, limit: number) => {
      try {
        await rateLimit(c, limitKey, limit);
        return null;
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'rate_limited') throw error;
        c.header('Retry-After', String(error.retryAfterSeconds ?? 60));
        return c.html(lookupPage(shop, key, 'page.status.lookup.limited'), 429);
      }
    };
    const byIp = await limited(`status-ip:${clientIp(c)}`, deps.config.ratePerIp);
    if (byIp) return byIp;
    const parsed = lookupForm.safeParse({ order: text('order') ?? '', contact: text('contact'), email: text('email'), phone: text('phone') });
    const values = { order: text('order')?.slice(0, 64), contact: (text('contact') ?? text('email') ?? text('phone'))?.slice(0, 254) };
    if (!parsed.success) return c.html(lookupPage(shop, key, 'page.status.lookup.badOrder', values), 400);
    const address = addressOf(parsed.data.contact ?? parsed.data.email ?? parsed.data.phone ?? '', shop);
    if (!address) return c.html(lookupPage(shop, key, 'page.status.lookup.badContact', values), 400);
    const byAddress = await limited(`status-address:${shop.id}:${address.email ?? address.phone}`, deps.config.ratePerEmail);
    if (byAddress) return byAddress;
    await sendStatusLinks(deps, shop, { order: parsed.data.order, ...address });
    return c.html(lookupPage(shop, key, 'page.status.lookup.sent'));
  });
