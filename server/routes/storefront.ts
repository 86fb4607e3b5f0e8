import type { Context, MiddlewareHandler } from 'hono';
import { doc } from '../lib/openapi.ts';
import { z } from 'zod';
import { SIGNUP_KINDS, type Shop } from '../../db/schema/index.ts';
import { createRouter, type AppEnv } from '../context.ts';
import { Forbidden } from '../lib/errors.ts';
import { email, locale, phoneText, shopperMobile, variantId } from '../lib/fields.ts';
import { clientIp, rateLimit } from '../lib/http.ts';
import { rowToken } from '../lib/tokens.ts';
import { validate } from '../lib/validate.ts';
import { assertOrigin, shopByPublishableKey } from '../services/shops/authenticate.ts';
import { createSignupGrouped } from '../services/signups/create.ts';
import { signupStatus, cancelSignup } from '../services/signups/status.ts';
import { signupByToken } from '../services/signups/find.ts';
import { holdStatus } from '../services/restock/hold-status.ts';
import { storefrontConfig } from '../services/storefront/config.ts';
import { noteWidgetSeen } from '../services/storefront/sightings.ts';

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

type ConfigQuery = z.output<typeof configQuery>;

const CONFIG_DOC =
  'One request per page: the shop (name, locale, `country` as ISO 3166, strings and theme), and per variant its mode, public availability, ETA, pre-order room and queue length. Exact at every answer (a per-process cache dropped at each write); sent with `Cache-Control: public, no-cache`, an `ETag`, and `Vary: Origin`, so a CDN revalidates with `If-None-Match` and gets a 304 while nothing changed.';
const CONFIG_RESPONSES = { 200: { description: 'OK' }, 304: { description: 'Not modified: the `If-None-Match` tag is still the answer' } };

/**
 * A query string as sent → its validated form. Validation is a pure function
 * of the text, so an entry is never stale; the bound keeps made-up queries
 * (cache-busters) from filling memory.
 */
const validQueries = new Map<string, ConfigQuery>();
const MAX_VALID_QUERIES = 10_000;

const rawQuery = (c: Context<AppEnv>) => {
  const url = c.req.url;
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at + 1);
};

function rememberQuery(raw: string, q: ConfigQuery): void {
  if (validQueries.size >= MAX_VALID_QUERIES) validQueries.delete(validQueries.keys().next().value!);
  validQueries.set(raw, q);
}

/** A query seen before skips validation: the hot path of every product page view. */
const cachedConfig: MiddlewareHandler<AppEnv> = async (c, next) => {
  const q = validQueries.get(rawQuery(c));
  if (!q) return next();
  return answerConfig(c, q);
};

async function answerConfig(c: Context<AppEnv>, q: ConfigQuery): Promise<Response> {
  const shop = await shopByPublishableKey(c.get('deps'), q.key, c.req.raw);
  c.set('shop', shop);
  // Before the origin check: a refused page is what the Connect page most needs to show.
  noteWidgetSeen(c.get('deps'), shop, c.req.header('origin'));
  assertOrigin(shop, c.req.header('origin'));
  const answer = await storefrontConfig(c.get('deps').db, shop, { locale: q.locale ?? shop.settings.locale, variants: q.variants });
  // Never stale: a CDN or browser may keep the answer but asks again each time, and a 304 costs no body.
  c.header('Cache-Control', 'public, no-cache');
  c.header('ETag', answer.etag);
  if (stillFresh(c.req.header('if-none-match'), answer.etag)) return c.body(null, 304);
  return c.body(answer.body, 200, { 'Content-Type': 'application/json' });
}

function stillFresh(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

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
    const shop = await shopOfRequest(c);
    if (!origin || !shop || !shop.settings.allowedOrigins.includes(origin)) {
      const error = Forbidden(`Origin ${origin ?? '(none)'} is not allowed for this shop`);
      return c.json(error.toBody(), 403, { Vary: 'Origin' });
    }
    return c.body(null, 204, corsHeaders(origin));
  }
  const early = await shopOfRequest(c);
  if (early) c.set('shop', early);
  await next();
  const shop = c.get('shop') ?? early;
  if (origin && shop?.settings.allowedOrigins.includes(origin)) {
    for (const [name, value] of Object.entries(corsHeaders(origin))) c.res.headers.set(name, value);
  }
  // A CDN in front keys on it: the answer to one origin (CORS grant or 403) must never be served to another.
  else c.res.headers.set('Vary', 'Origin');
};

/** The shop a storefront request names before its body is read: by `?key=`, or by the token in its path. */
async function shopOfRequest(c: Context<AppEnv>): Promise<Shop | undefined> {
  try {
    const key = c.req.query('key');
    if (key) return await shopByPublishableKey(c.get('deps'), key, c.req.raw);
    const [, kind, tokenInPath] = c.req.path.match(/^\/v1\/storefront\/(signups|holds)\/([A-Za-z0-9_-]+)$/) ?? [];
    if (kind === 'signups' && tokenInPath) return (await signupByToken(c.get('deps').db, tokenInPath)).shop;
    if (kind === 'holds' && tokenInPath) return (await holdStatus(c.get('deps'), tokenInPath)).shop;
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
async function storefrontShop(c: Context<AppEnv>, key: string | undefined): Promise<Shop> {
  const shop = await shopByPublishableKey(c.get('deps'), key, c.req.raw);
  c.set('shop', shop);
  assertOrigin(shop, c.req.header('origin'));
  return shop;
}

export const storefrontRoutes = createRouter()
  .use('/v1/storefront/*', storefrontCors)
  .get('/v1/storefront/config', doc('Storefront', 'publishable', CONFIG_DOC, CONFIG_RESPONSES), cachedConfig, validate('query', configQuery), async (c) => {
    const q = c.req.valid('query');
    rememberQuery(rawQuery(c), q);
    return answerConfig(c, q);
  })
  .post('/v1/storefront/signups', doc('Storefront', 'publishable', 'Joins a line: 201 with the token and position. A repeat for a contact already in line answers 200 `{signup:{status:"exists", variantId}}` without token or position, and emails (or texts) that contact its own link. `website` is a honeypot.', { 200: { description: 'Already in line: the contact was sent its link' }, 201: { description: 'Joined' } }), validate('query', keyQuery), async (c, next) => {
    // Count every attempt from an IP, valid or not, before any work.
    await rateLimit(c, `ip:${clientIp(c)}`, c.get('deps').config.ratePerIp);
    await next();
  }, validate('json', signupBody), async (c) => {
    const body = c.req.valid('json');
    const shop = await storefrontShop(c, body.key ?? c.req.valid('query').key);
    const phone = body.phone === undefined ? undefined : shopperMobile(body.phone, shop.settings.country);
    if (body.website) {
      // Honeypot: a bot filled the hidden field. Answer like a success, keep nothing.
      return c.json({ signup: { token: rowToken(c.get('deps').clock.now()), status: 'waiting', position: 1, kind: body.kind ?? 'waitlist', variantId: body.variantId } }, 201);
    }
    const deps = c.get('deps');
    if (body.email) await rateLimit(c, `email:${shop.id}:${body.email}`, deps.config.ratePerEmail);
    if (phone) await rateLimit(c, `phone:${shop.id}:${phone}`, deps.config.ratePerEmail);
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
  .get('/v1/storefront/signups/:token', doc('Storefront', 'token', 'A shopper\'s place: status, position and any hold.'), validate('param', tokenParam), async (c) => {
    const { token } = c.req.valid('param');
    await tokenShop(c, token);
    c.header('Cache-Control', 'no-store');
    return c.json({ signup: await signupStatus(c.get('deps'), token) });
  })
  .delete('/v1/storefront/signups/:token', doc('Storefront', 'token', 'Leaves the line; a hold goes to the next person.'), validate('param', tokenParam), async (c) => {
    const { token } = c.req.valid('param');
    await tokenShop(c, token);
    return c.json({ signup: await cancelSignup(c.get('deps'), token) });
  })
  .get('/v1/storefront/holds/:token', doc('Storefront', 'token', 'A hold\'s status and expiry, for the widget on a claim landing.'), validate('param', tokenParam), async (c) => {
    const { shop, hold } = await holdStatus(c.get('deps'), c.req.valid('param').token);
    c.set('shop', shop);
    assertOrigin(shop, c.req.header('origin'));
    c.header('Cache-Control', 'no-store');
    return c.json({ hold });
  });

/** The token is the shopper's credential; the origin still has to be the shop's. */
async function tokenShop(c: Context<AppEnv>, tokenValue: string): Promise<void> {
  const { shop } = await signupByToken(c.get('deps').db, tokenValue);
  c.set('shop', shop);
  assertOrigin(shop, c.req.header('origin'));
}
