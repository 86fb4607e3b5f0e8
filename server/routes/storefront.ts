import type { Context, MiddlewareHandler } from 'hono';
import { doc } from '../lib/openapi.ts';
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { SIGNUP_KINDS, variants, type Shop } from '../../db/schema/index.ts';
import { createRouter, type AppEnv } from '../context.ts';
import { Forbidden } from '../lib/errors.ts';
import { email, locale, phoneText, shopperMobile, variantId } from '../lib/fields.ts';
import { clientIp, rateLimit } from '../lib/http.ts';
import { rowToken } from '../lib/tokens.ts';
import { validate } from '../lib/validate.ts';
import { assertOrigin, shopByPublishableKey } from '../services/shops/authenticate.ts';
import { createSignupGrouped } from '../services/signups/create.ts';
import { signupStatus, cancelSignup } from '../services/signups/status.ts';
import { variantStats } from '../services/variants/stats.ts';
import { presentEta } from '../services/variants/upsert.ts';
import { widgetStrings } from '../services/settings/widget-strings.ts';
import { signupByToken } from '../services/signups/find.ts';
import { holdStatus } from '../services/restock/hold-status.ts';

const keyQuery = z.object({ key: z.string().max(100).optional() });

const configQuery = z.object({
  key: z.string().max(100).optional(),
  locale: locale.optional(),
  variants: z
    .string()
    .max(4000)
    .optional()
    .transform((s) => (s ? [...new Set(s.split(',').map((v) => v.trim()).filter(Boolean))] : []))
    .pipe(z.array(variantId).max(50, 'at most 50 variants per request')),
});

const signupBody = z
  .object({
    key: z.string().max(100).optional(),
    variantId,
    email: email.optional(),
    // Read with the shop's country once the key names the shop (below).
    phone: phoneText.optional(),
    smsConsent: z.boolean().optional(),
    quantity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100, 'must be at most 100').default(1),
    kind: z.enum(SIGNUP_KINDS).optional(),
    locale: locale.optional(),
    website: z.string().max(2000).optional(),
  })
  .strict()
  .refine((b) => b.email || (b.phone && b.smsConsent), {
    message: 'Give an email address, or a phone number with smsConsent: true',
    path: ['email'],
  });

const tokenParam = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'is not a valid token') });

/**
 * CORS for storefront routes, limited to each shop's allowed origins. The shop
 * comes from `?key=` (the widget always sends it) or from the signup token in
 * the path; handlers also set it once they resolve the shop from a body key.
 */
const storefrontCors: MiddlewareHandler<AppEnv> = async (c, next) => {
  const origin = c.req.header('origin');
  if (c.req.method === 'OPTIONS') {
    const shop = shopOfRequest(c);
    if (!origin || !shop || !shop.settings.allowedOrigins.includes(origin)) {
      const error = Forbidden(`Origin ${origin ?? '(none)'} is not allowed for this shop`);
      return c.json(error.toBody(), 403);
    }
    return c.body(null, 204, corsHeaders(origin));
  }
  const early = shopOfRequest(c);
  if (early) c.set('shop', early);
  await next();
  const shop = c.get('shop') ?? early;
  if (origin && shop?.settings.allowedOrigins.includes(origin)) {
    for (const [name, value] of Object.entries(corsHeaders(origin))) c.res.headers.set(name, value);
  }
};

/** The shop a storefront request names before its body is read: by `?key=`, or by the token in its path. */
function shopOfRequest(c: Context<AppEnv>): Shop | undefined {
  try {
    const key = c.req.query('key');
    if (key) return shopByPublishableKey(c.get('deps'), key);
    const [, kind, tokenInPath] = c.req.path.match(/^\/v1\/storefront\/(signups|holds)\/([A-Za-z0-9_-]+)$/) ?? [];
    if (kind === 'signups' && tokenInPath) return signupByToken(c.get('deps').db, tokenInPath).shop;
    if (kind === 'holds' && tokenInPath) return holdStatus(c.get('deps'), tokenInPath).shop;
  } catch {
    // Unknown key or token: no CORS grant; the handler reports the error.
  }
  return undefined;
}

const corsHeaders = (origin: string) => ({
  'Access-Control-Allow-Origin': origin,
  'Access-Control-Allow-Methods': 'GET, POST, DELETE',
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Max-Age': '600',
  Vary: 'Origin',
});

/** Resolves the shop by publishable key and checks the caller's origin against it. */
function storefrontShop(c: Context<AppEnv>, key: string | undefined): Shop {
  const shop = shopByPublishableKey(c.get('deps'), key);
  c.set('shop', shop);
  assertOrigin(shop, c.req.header('origin'));
  return shop;
}

export const storefrontRoutes = createRouter()
  .use('/v1/storefront/*', storefrontCors)
  .get('/v1/storefront/config', doc('Storefront', 'publishable', 'One request per page: the shop strings and theme, and per variant its mode, public availability, ETA, pre-order room and queue length.'), validate('query', configQuery), (c) => {
    const q = c.req.valid('query');
    const shop = storefrontShop(c, q.key);
    const { db } = c.get('deps');
    const list = q.variants.length
      ? db.select().from(variants).where(and(eq(variants.shopId, shop.id), inArray(variants.id, q.variants))).all()
      : [];
    const stats = variantStats(db, shop.id, list);
    const byId = Object.fromEntries(
      list.map((v) => {
        const s = stats.get(v.id)!;
        return [
          v.id,
          { mode: v.mode, available: s.available, eta: presentEta(v), preorderRemaining: s.preorderRemaining, queueLength: s.queueLength },
        ];
      }),
    );
    // Short public caching: one request per page view, fresh within seconds of a restock.
    c.header('Cache-Control', 'public, max-age=10, stale-while-revalidate=30');
    const { settings } = shop;
    const shopperLocale = q.locale ?? settings.locale;
    return c.json({
      shop: { name: shop.name, locale: shopperLocale, strings: widgetStrings(shopperLocale, settings.strings), theme: settings.theme },
      variants: byId,
    });
  })
  .post('/v1/storefront/signups', doc('Storefront', 'publishable', 'Joins a line: 201 with the token and position. A repeat for a contact already in line answers 200 `{signup:{status:"exists", variantId}}` without token or position, and emails (or texts) that contact its own link. `website` is a honeypot.', { 200: { description: 'Already in line: the contact was sent its link' }, 201: { description: 'Joined' } }), validate('query', keyQuery), async (c, next) => {
    // Count every attempt from an IP, valid or not, before any work.
    rateLimit(c, `ip:${clientIp(c)}`, c.get('deps').config.ratePerIp);
    await next();
  }, validate('json', signupBody), async (c) => {
    const body = c.req.valid('json');
    const shop = storefrontShop(c, body.key ?? c.req.valid('query').key);
    const phone = body.phone === undefined ? undefined : shopperMobile(body.phone, shop.settings.country);
    if (body.website) {
      // Honeypot: a bot filled the hidden field. Answer like a success, keep nothing.
      return c.json({ signup: { token: rowToken(c.get('deps').clock.now()), status: 'waiting', position: 1, kind: body.kind ?? 'waitlist', variantId: body.variantId } }, 201);
    }
    const deps = c.get('deps');
    if (body.email) rateLimit(c, `email:${shop.id}:${body.email}`, deps.config.ratePerEmail);
    if (phone) rateLimit(c, `phone:${shop.id}:${phone}`, deps.config.ratePerEmail);
    const { signup, position, created } = await createSignupGrouped(deps, shop, {
      variantId: body.variantId,
      email: body.email,
      phone,
      smsConsent: body.smsConsent,
      quantity: body.quantity,
      kind: body.kind,
      locale: body.locale,
    });
    // A token goes only to the request that created it: a repeat learns that the
    // place exists, and its owner is sent the link (services/signups/create.ts).
    if (!created) return c.json({ signup: { status: 'exists', variantId: signup.variantId } }, 200);
    return c.json({ signup: { token: signup.token, status: signup.status, position, kind: signup.kind, variantId: signup.variantId, quantity: signup.quantity } }, 201);
  })
  .get('/v1/storefront/signups/:token', doc('Storefront', 'token', 'A shopper\'s place: status, position and any hold.'), validate('param', tokenParam), (c) => {
    const { token } = c.req.valid('param');
    tokenShop(c, token);
    c.header('Cache-Control', 'no-store');
    return c.json({ signup: signupStatus(c.get('deps'), token) });
  })
  .delete('/v1/storefront/signups/:token', doc('Storefront', 'token', 'Leaves the line; a hold goes to the next person.'), validate('param', tokenParam), (c) => {
    const { token } = c.req.valid('param');
    tokenShop(c, token);
    return c.json({ signup: cancelSignup(c.get('deps'), token) });
  })
  .get('/v1/storefront/holds/:token', doc('Storefront', 'token', 'A hold\'s status and expiry, for the widget on a claim landing.'), validate('param', tokenParam), (c) => {
    const { shop, hold } = holdStatus(c.get('deps'), c.req.valid('param').token);
    c.set('shop', shop);
    assertOrigin(shop, c.req.header('origin'));
    c.header('Cache-Control', 'no-store');
    return c.json({ hold });
  });

/** The token is the shopper's credential; the origin still has to be the shop's. */
function tokenShop(c: Context<AppEnv>, tokenValue: string): void {
  const { shop } = signupByToken(c.get('deps').db, tokenValue);
  c.set('shop', shop);
  assertOrigin(shop, c.req.header('origin'));
}
