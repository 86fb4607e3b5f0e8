import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { kv, shops, type Connection, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Invalid } from '../../lib/errors.ts';
import { safeEqual, sha256, token } from '../../lib/tokens.ts';
import { authorizationCodeToken, shopifyAdminDeps } from '../../platforms/shopify/admin.ts';
import { connectWithGrant, explained, refuseTakenStore, shopDomain, SHOPIFY_SCOPES } from './shopify.ts';

/**
 * Shopify's authorization-code install, for an app made in the Dev Dashboard
 * (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant).
 *
 * 1. The dashboard, holding the secret key, asks for a ticket
 *    (POST /v1/admin/connections/shopify/ticket with the store and the app's
 *    client id and secret). The ticket is the only thing that leaves in a URL:
 *    one use, and short-lived (`config.connectTicketMs`).
 * 2. The browser opens GET /connect/shopify?shop=…&ticket=…, which sends it on
 *    to Shopify's grant screen. `state` is the ticket's hash: it names the
 *    ticket without being it, and it is what the callback must bring back.
 * 3. Shopify redirects to GET /connect/shopify/callback with code, shop, state,
 *    timestamp and hmac. The hmac is checked with the app's client secret, the
 *    shop against the ticket's, the ticket is spent, and only then is the code
 *    exchanged for a token and the store connected as PUT would.
 */

const KEY = (hash: string) => `shopify-install:${hash}`;

interface Ticket {
  shopId: string;
  shop: string;
  clientId: string;
  clientSecret: string;
  expiresAt: number;
}

const credential = z.string().trim().min(8).max(256);
export const ticketSchema = z.object({ shop: shopDomain, clientId: credential, clientSecret: credential }).strict();

/** Step 1: a one-time ticket for this shop's install of `body.shop`, and the URL that starts it. */
export async function createInstallTicket(deps: Deps, shop: Shop, body: z.infer<typeof ticketSchema>): Promise<{ ticket: string; installUrl: string; expiresAt: Date }> {
  await refuseTakenStore(deps, shop, body.shop);
  const ticket = token(24);
  const expiresAt = new Date(deps.clock.now().getTime() + deps.config.connectTicketMs);
  const sealed = deps.secrets.seal({ shopId: shop.id, shop: body.shop, clientId: body.clientId, clientSecret: body.clientSecret, expiresAt: expiresAt.getTime() } satisfies Ticket);
  await transaction(deps.db, (tx) => tx.insert(kv).values({ key: KEY(sha256(ticket)), value: sealed }));
  const installUrl = `${deps.config.publicUrl}/connect/shopify?${new URLSearchParams({ shop: body.shop, ticket })}`;
  return { ticket, installUrl, expiresAt };
}

async function ticketByHash(deps: Deps, hash: string): Promise<Ticket | null> {
  const [row] = await deps.db.select().from(kv).where(eq(kv.key, KEY(hash)));
  if (!row) return null;
  const ticket = deps.secrets.open<Ticket>(row.value);
  return ticket.expiresAt > deps.clock.now().getTime() ? ticket : null;
}

const shopifyOrigin = (deps: Deps, shop: string) => deps.config.shopifyApiOrigin ?? `https://${shop}`;
export const installCallbackUrl = (deps: Deps) => `${deps.config.publicUrl}/connect/shopify/callback`;

/** Step 2: where to send the browser (Shopify's grant screen), for a live ticket of this store. Reads only. */
export async function authorizeUrl(deps: Deps, query: { shop?: string; ticket?: string }): Promise<string> {
  const shop = shopDomain.safeParse(query.shop ?? '');
  if (!shop.success) throw Invalid('shop must be a *.myshopify.com domain', 'shop');
  const hash = sha256(query.ticket ?? '');
  const ticket = await ticketByHash(deps, hash);
  if (!ticket || ticket.shop !== shop.data) throw Invalid('This install link has expired or was already used: start again from the Connect page', 'ticket');
  const params = new URLSearchParams({ client_id: ticket.clientId, scope: SHOPIFY_SCOPES.join(','), redirect_uri: installCallbackUrl(deps), state: hash });
  return `${shopifyOrigin(deps, ticket.shop)}/admin/oauth/authorize?${params}`;
}

/**
 * Shopify's signature of its redirect: HMAC-SHA256 (hex) with the client
 * secret over the other parameters, sorted by name, as `name=value` joined
 * by `&`.
 */
export function installHmac(params: URLSearchParams, clientSecret: string): string {
  const message = [...params.entries()]
    .filter(([name]) => name !== 'hmac')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return createHmac('sha256', clientSecret).update(message).digest('hex');
}

/** Step 3: checks Shopify's redirect, spends the ticket, and connects the store. */
export async function completeInstall(deps: Deps, params: URLSearchParams): Promise<Connection> {
  const ticket = await ticketByHash(deps, params.get('state') ?? '');
  if (!ticket) throw Invalid('This install link has expired or was already used: start again from the Connect page', 'state');
  if (!safeEqual(installHmac(params, ticket.clientSecret), params.get('hmac') ?? '')) throw Invalid('The redirect from Shopify could not be verified', 'hmac');
  if (params.get('shop') !== ticket.shop) throw Invalid('The redirect names another store than the one being connected', 'shop');
  // Spent before the code is exchanged: a replayed redirect finds no ticket.
  const spent = await transaction(deps.db, (tx) => tx.delete(kv).where(eq(kv.key, KEY(params.get('state')!))).returning({ key: kv.key }));
  if (spent.length === 0) throw Invalid('This install link was already used', 'state');
  const [shop] = await deps.db.select().from(shops).where(eq(shops.id, ticket.shopId));
  if (!shop) throw Invalid('The shop this install was for no longer exists', 'state');
  const granted = await authorizationCodeToken(shopifyAdminDeps(deps), ticket.shop, ticket.clientId, ticket.clientSecret, params.get('code') ?? '').catch((error) => {
    throw explained(error, 'code');
  });
  return connectWithGrant(deps, shop, ticket.shop, {
    method: 'oauth',
    credentials: { accessToken: granted.accessToken, webhookSecret: ticket.clientSecret, clientId: ticket.clientId, clientSecret: ticket.clientSecret },
    expiresAt: null,
  });
}
