import type { Deps } from '../../context.ts';
import { guardedRequest, OutboundError, type OutboundNet } from '../../net/guarded.ts';
import { ShopifyError } from './errors.ts';

/**
 * The current stable Admin API version. Each is supported for at least 12 months
 * (https://shopify.dev/docs/api/usage/versioning); past that, Shopify answers from the
 * oldest supported one instead. 2025-10 reached that point in October 2026.
 */
export const SHOPIFY_API_VERSION = '2026-10';

/**
 * How requests leave: trusted (SHOPIFY_API_ORIGIN set by the operator: plain fetch) or guarded
 * (a shop-given domain: server/net/guarded.ts, private ranges refused). Answers status, headers, body.
 */
export type ShopifyHttp = (
  url: string,
  init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
) => Promise<{ status: number; headers: Record<string, string>; body: string }>;

/**
 * A streaming GET of a file Shopify names (a bulk operation's JSONL): each chunk of a 2xx body goes to
 * `onData`, which may answer a promise to hold the stream until it is taken; other statuses are answered
 * without a body. Rejects when the transfer breaks (or `onData` throws: with that error).
 */
export type ShopifyDownload = (url: string, onData: (chunk: Buffer) => void | Promise<void>) => Promise<{ status: number }>;

export interface ShopifyAdminDeps {
  /** Replaces https://{shop} in every URL when set (SHOPIFY_API_ORIGIN: tests point it at a stub). */
  origin: string | null;
  http: ShopifyHttp;
  /** Only the bulk catalog export needs it; shopifyAdminDeps always sets it. */
  download?: ShopifyDownload;
  sleep(ms: number): Promise<void>;
}

const TIMEOUT_MS = 30_000;
/** A catalog page of a few products with 100 variants each is far below this. */
const MAX_ANSWER = 16 * 1024 * 1024;

/** The operator's own origin is configuration we trust: plain fetch, redirects not followed. */
export const trustedHttp: ShopifyHttp = async (url, init) => {
  const res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
};

/**
 * A shop-given domain goes through the address guard like every webhook URL. The guard answers
 * headers and bodies of every status, so a 429's Retry-After and a 400's {"error"} arrive as by fetch.
 */
export const guardedHttp =
  (net: OutboundNet, allowPrivate: boolean): ShopifyHttp =>
  (url, init) => guardedRequest(net, url, { ...init, allowPrivate, timeoutMs: TIMEOUT_MS, maxBody: MAX_ANSWER });

/**
 * A bulk export of 100k variants is tens of megabytes, read as fast as the import stores it: hence a
 * generous cap on the whole file and a deadline of an hour for the whole transfer.
 */
const MAX_FILE = 2 * 1024 ** 3;
const DOWNLOAD_TIMEOUT_MS = 60 * 60_000;

/** Plain fetch, the body read chunk by chunk; redirects are not followed, as for every request. */
export const trustedDownload: ShopifyDownload = async (url, onData) => {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (res.status < 200 || res.status >= 300 || !res.body) {
    await res.body?.cancel();
    return { status: res.status };
  }
  const reader = res.body.getReader();
  try {
    for (let part = await reader.read(); !part.done; part = await reader.read()) await onData(Buffer.from(part.value));
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  }
  return { status: res.status };
};

/** The file's URL comes from Shopify's answer, so it passes the address guard like any outside URL. */
export const guardedDownload =
  (net: OutboundNet, allowPrivate: boolean): ShopifyDownload =>
  async (url, onData) => {
    const answer = await guardedRequest(net, url, { method: 'GET', headers: {}, allowPrivate, timeoutMs: DOWNLOAD_TIMEOUT_MS, maxBody: MAX_FILE, onData });
    return { status: answer.status };
  };

/**
 * The deps for a Deps: config.shopifyApiOrigin means trusted http, else the guarded path. A download is
 * trusted only when its URL is on that configured origin: a URL Shopify names is never trusted for that.
 */
export function shopifyAdminDeps(deps: Pick<Deps, 'config' | 'net' | 'clock'>): ShopifyAdminDeps {
  const origin = deps.config.shopifyApiOrigin;
  const guarded = guardedDownload(deps.net, deps.config.allowPrivateWebhooks);
  return {
    origin,
    http: origin ? trustedHttp : guardedHttp(deps.net, deps.config.allowPrivateWebhooks),
    download: (url, onData) => (origin && sameOrigin(url, origin) ? trustedDownload : guarded)(url, onData),
    sleep: (ms) => deps.clock.sleep(ms),
  };
}

const sameOrigin = (url: string, origin: string) => URL.canParse(url) && new URL(url).origin === new URL(origin).origin;

const MYSHOPIFY = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/**
 * Where a store's Admin API lives: the configured origin, else the shop's own myshopify domain.
 * Any other name is refused before a request is made, so a client secret only ever goes to Shopify.
 */
export function storeOrigin(deps: Pick<ShopifyAdminDeps, 'origin'>, shop: string): string {
  if (!MYSHOPIFY.test(shop)) throw new ShopifyError('invalid', 'The shop must be its *.myshopify.com domain');
  return deps.origin ?? `https://${shop}`;
}

/** A refused address is the caller's mistake; any other way the request did not arrive can pass. */
export const refusedAddress = (error: unknown) =>
  error instanceof OutboundError && /address not allowed|invalid URL/.test(error.message);
