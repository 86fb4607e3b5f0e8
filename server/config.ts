import { dirname, join } from 'node:path';
import { HELPDESK_KINDS, type HelpdeskKind } from './platforms/helpdesk/types.ts';
import { newSecretKey, parseSecretKey } from './lib/secrets.ts';
import { token } from './lib/tokens.ts';

export interface Config {
  port: number;
  publicUrl: string;
  dbPath: string;
  /** `DATABASE_URL`: a postgres:// URL runs the product on PostgreSQL; unset, on the SQLite file at `dbPath`. */
  databaseUrl?: string;
  adminToken: string;
  /** True when the admin token was generated for this run (and should be printed). */
  adminTokenGenerated: boolean;
  /** `WAITLINE_SECRET_KEY`: seals store credentials at rest (server/lib/secrets.ts). */
  secretKey: Buffer;
  /**
   * True when WAITLINE_SECRET_KEY was not set (development only): `secretKey`
   * is then a stand-in for this run, until the server start replaces it with
   * the one kept beside the database (`secretKeyPath`).
   */
  secretKeyGenerated: boolean;
  ratePerIp: number;
  ratePerEmail: number;
  /** Proxies in front of us: X-Forwarded-For is read this many entries from the right (0: ignored). */
  trustProxy: number;
  tickMs: number;
  /** How long a claimed message batch or job belongs to one process before another may take it over. */
  leaseMs: number;
  /**
   * On PostgreSQL, how often a replica that is not its provider account's
   * dispatcher tries to become it, and how often the dispatcher checks its lock
   * connection. Default: the lease, at most 5 s; a dead dispatcher's place is
   * taken within one lease.
   */
  leaderRetryMs: number;
  /**
   * A newly elected dispatcher waits this long before its first send: the one
   * before it (killed, its lock freed at once) may have sent just now, and the
   * provider counts requests per second. Default 1 s.
   */
  leaderTakeoverMs: number;
  demo: boolean;
  /** A confirmation link (double opt-in, a new phone or email, re-subscribing) or a place's own link is sent at most once per this, per contact and kind. */
  linkResendMs: number;
  /** How long a confirmation link works. */
  linkTtlMs: number;
  /** WAITLINE_SIGN_IN_LINK_MS (default 15 minutes): how long a team member's emailed sign-in link works. */
  signInLinkMs: number;
  /** WAITLINE_INVITE_MS (default 7 days): how long an invitation to a shop's team works. */
  inviteMs: number;
  /** WAITLINE_SESSION_MS (default 14 days): how long a dashboard sign-in lasts before the link is needed again. */
  sessionMs: number;
  /** A platform order line whose shortfall the reported stock levels have not yet decided is judged on what is known after this long. */
  settleMs: number;
  resend: { apiKey: string; baseUrl?: string; rps: number } | null;
  /** How often the reconciliation pass re-reads platform inventory (ms; 0 turns it off). */
  reconcileMs: number;
  /** How often the signupTtl sweep runs (asks "still interested?", lapses the unanswered). */
  sweepMs: number;
  /** How often ETAs from open purchase orders are re-predicted as days pass (a late shipment moves them). */
  etaRefreshMs: number;
  /**
   * WAITLINE_RETENTION_DAYS (default 30; fractions allowed, 0.001 is 86.4 s):
   * stored webhook payloads and inbound texts are deleted once this old.
   */
  retentionMs: number;
  /** How often the retention sweep runs: a 24th of the retention, between 1 s and 1 h. */
  retentionSweepMs: number;
  /** `SHOPIFY_API_ORIGIN`: the Shopify Admin API origin; tests point it at a local stub. Default: https://{shop domain}. */
  shopifyApiOrigin: string | null;
  /** `BIGCOMMERCE_API_ORIGIN`: the BigCommerce API origin; tests point it at a local stub. Default: https://api.bigcommerce.com. */
  bigcommerceApiOrigin: string | null;
  /**
   * `GORGIAS_API_ORIGIN`, `ZENDESK_API_ORIGIN`, `FRESHDESK_API_ORIGIN`, `REAMAZE_API_ORIGIN`: a helpdesk's API
   * origin; tests point them at local stubs. Default: https://{subdomain}.gorgias.com, .zendesk.com,
   * .freshdesk.com, .reamaze.io.
   */
  helpdeskOrigins: Partial<Record<HelpdeskKind, string>>;
  /** How long a Shopify install ticket (the OAuth install link) works: default 10 minutes. */
  connectTicketMs: number;
  /**
   * WAITLINE_CART_WINDOW_MS (default 30 minutes): after a holder follows the
   * claim link, how long their unit stays out of the platform's reservation so
   * they can buy it; then it is reserved again if the hold is still unclaimed.
   */
  cartWindowMs: number;
  /**
   * WAITLINE_SHOPIFY_BULK_OVER (default 5000): a Shopify catalog of more
   * variants than this is imported with a bulk operation (one export file,
   * no cost bucket, every variant of a product) instead of pages.
   */
  shopifyBulkOver: number;
  /** WAITLINE_SHOPIFY_BULK_POLL_MS (default 5 s): how often the import asks whether the export is ready. */
  shopifyBulkPollMs: number;
  /**
   * Lets shop-given URLs (webhooks, store APIs) reach loopback and private
   * addresses: local development and tests only. Metadata addresses stay closed.
   */
  allowPrivateWebhooks: boolean;
  /** Verifies Twilio's webhooks (`X-Twilio-Signature`); the same token as for sending. */
  twilioAuthToken: string | null;
  /** `whsec_…`: verifies Resend's webhooks (opens, clicks, bounces), with or without sending through Resend. */
  resendWebhookSecret: string | null;
  /**
   * `WAITLINE_REPLY_DOMAIN`: a domain whose mail Resend receives (`acme.resend.app` or your own MX). Each
   * email's Reply-To is then `reply+<message id>@` it, so a reply comes back to the shop and order it is
   * about. Unset: replies go to the shop's sender address as before.
   */
  replyDomain: string | null;
  /** `WAITLINE_METRICS_TOKEN`: the Bearer token `GET /metrics` asks for; unset, /metrics answers 404 (off). */
  metricsToken: string | null;
  twilio: {
    accountSid: string;
    authToken: string;
    from?: string;
    messagingServiceSid?: string;
    apiUrl?: string;
    mps: number;
  } | null;
}

type Env = Record<string, string | undefined>;

function int(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return n;
}

function positive(env: Env, name: string, fallback: number): number {
  const n = int(env, name, fallback);
  if (n <= 0) throw new Error(`${name} must be more than 0, got "${env[name]}"`);
  return n;
}

const DAY_MS = 86_400_000;

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);

/** `WAITLINE_TRUST_PROXY`: a hop count; `true`/`yes`/`on` still mean one proxy, as they did when it was a switch. */
function proxyHops(env: Env): number {
  const raw = env.WAITLINE_TRUST_PROXY?.trim();
  if (raw === undefined || raw === '') return 0;
  if (/^(true|yes|on)$/i.test(raw)) return 1;
  if (/^(false|no|off)$/i.test(raw)) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`WAITLINE_TRUST_PROXY must be a number of proxy hops, got "${raw}"`);
  return n;
}

/**
 * `WAITLINE_SECRET_KEY`: required in production, where a lost or made-up key
 * would leave every stored credential unreadable. In development a missing
 * one is generated (and kept by the server start: `secretKeyPath`).
 */
function secretKey(env: Env): { secretKey: Buffer; secretKeyGenerated: boolean } {
  const raw = env.WAITLINE_SECRET_KEY?.trim();
  if (raw) {
    const key = parseSecretKey(raw);
    if (!key) throw new Error('WAITLINE_SECRET_KEY must be 32 bytes as base64 or base64url, or 64 hex characters (make one with `openssl rand -base64 32`)');
    return { secretKey: key, secretKeyGenerated: false };
  }
  if (env.NODE_ENV === 'production') {
    throw new Error('WAITLINE_SECRET_KEY is required in production: it seals store credentials at rest. Make one with `openssl rand -base64 32` and keep it safe');
  }
  return { secretKey: newSecretKey(), secretKeyGenerated: true };
}

/** Where development keeps its generated secret key: beside the SQLite database (its default path on PostgreSQL). */
export const secretKeyPath = (config: Pick<Config, 'dbPath'>): string => join(dirname(config.dbPath), 'secret.key');

/** The helpdesk API origins set, trailing slashes stripped; an unset one is absent (the vendor's own host). */
function helpdeskOrigins(env: Env): Partial<Record<HelpdeskKind, string>> {
  const origins: Partial<Record<HelpdeskKind, string>> = {};
  for (const kind of HELPDESK_KINDS) {
    const origin = env[`${kind.toUpperCase()}_API_ORIGIN`]?.replace(/\/+$/, '');
    if (origin) origins[kind] = origin;
  }
  return origins;
}

/** Reads the environment once, at the edge; nothing deeper reads process.env. */
export function loadConfig(env: Env = process.env): Config {
  const port = int(env, 'PORT', 8787);
  const retentionMs = Math.round(positive(env, 'WAITLINE_RETENTION_DAYS', 30) * DAY_MS);
  const adminToken = env.WAITLINE_ADMIN_TOKEN || '';
  const twilioReady =
    env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && (env.TWILIO_FROM || env.TWILIO_MESSAGING_SERVICE_SID);
  return {
    port,
    publicUrl: (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    dbPath: env.WAITLINE_DB || './data/waitline.db',
    databaseUrl: env.DATABASE_URL || undefined,
    adminToken: adminToken || `wl_admin_${token(18)}`,
    adminTokenGenerated: !adminToken,
    ...secretKey(env),
    ratePerIp: int(env, 'WAITLINE_RATE_PER_IP', 20),
    ratePerEmail: int(env, 'WAITLINE_RATE_PER_EMAIL', 5),
    trustProxy: proxyHops(env),
    tickMs: int(env, 'WAITLINE_TICK_MS', 1000),
    leaseMs: int(env, 'WAITLINE_LEASE_MS', 60_000),
    leaderRetryMs: positive(env, 'WAITLINE_LEADER_RETRY_MS', Math.min(int(env, 'WAITLINE_LEASE_MS', 60_000), 5_000) || 5_000),
    leaderTakeoverMs: int(env, 'WAITLINE_LEADER_TAKEOVER_MS', 1_000),
    linkResendMs: int(env, 'WAITLINE_LINK_RESEND_MS', 86_400_000),
    linkTtlMs: int(env, 'WAITLINE_LINK_TTL_MS', 7 * 86_400_000),
    signInLinkMs: positive(env, 'WAITLINE_SIGN_IN_LINK_MS', 15 * 60_000),
    inviteMs: positive(env, 'WAITLINE_INVITE_MS', 7 * DAY_MS),
    sessionMs: positive(env, 'WAITLINE_SESSION_MS', 14 * DAY_MS),
    settleMs: int(env, 'WAITLINE_SETTLE_MS', 5 * 60_000),
    // The demo shop (and its printed keys) is for trying Waitline out: on by default except in production.
    demo: env.WAITLINE_DEMO === undefined ? env.NODE_ENV !== 'production' : truthy(env.WAITLINE_DEMO),
    resend: env.RESEND_API_KEY
      ? {
          apiKey: env.RESEND_API_KEY,
          baseUrl: env.RESEND_BASE_URL || undefined,
          rps: int(env, 'RESEND_RPS', 2),
        }
      : null,
    resendWebhookSecret: env.RESEND_WEBHOOK_SECRET || null,
    metricsToken: env.WAITLINE_METRICS_TOKEN?.trim() || null,
    replyDomain: env.WAITLINE_REPLY_DOMAIN?.trim().toLowerCase().replace(/^@/, '') || null,
    twilioAuthToken: env.TWILIO_AUTH_TOKEN || null,
    reconcileMs: int(env, 'WAITLINE_RECONCILE_MS', 15 * 60_000),
    sweepMs: int(env, 'WAITLINE_SWEEP_MS', 60_000),
    etaRefreshMs: int(env, 'WAITLINE_ETA_REFRESH_MS', 3_600_000),
    allowPrivateWebhooks: truthy(env.WAITLINE_ALLOW_PRIVATE_WEBHOOKS),
    retentionMs,
    retentionSweepMs: Math.min(3_600_000, Math.max(1000, Math.round(retentionMs / 24))),
    shopifyApiOrigin: env.SHOPIFY_API_ORIGIN?.replace(/\/+$/, '') || null,
    bigcommerceApiOrigin: env.BIGCOMMERCE_API_ORIGIN?.replace(/\/+$/, '') || null,
    helpdeskOrigins: helpdeskOrigins(env),
    connectTicketMs: int(env, 'WAITLINE_CONNECT_TICKET_MS', 10 * 60_000),
    cartWindowMs: int(env, 'WAITLINE_CART_WINDOW_MS', 30 * 60_000),
    shopifyBulkOver: int(env, 'WAITLINE_SHOPIFY_BULK_OVER', 5000),
    shopifyBulkPollMs: int(env, 'WAITLINE_SHOPIFY_BULK_POLL_MS', 5000),
    twilio: twilioReady
      ? {
          accountSid: env.TWILIO_ACCOUNT_SID!,
          authToken: env.TWILIO_AUTH_TOKEN!,
          from: env.TWILIO_FROM || undefined,
          messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID || undefined,
          apiUrl: env.TWILIO_API_URL || undefined,
          mps: int(env, 'TWILIO_MPS', 1),
        }
      : null,
  };
}
