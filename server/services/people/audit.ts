import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { DbOrTx } from '../../../db/index.ts';
import { auditLog, backorders, escalations, members, purchaseOrders, shops, signups, variants, type AuditEntry } from '../../../db/schema/index.ts';
import { presentSettings } from '../settings/index.ts';
import type { Actor } from './roles.ts';

export interface AuditWrite {
  shopId: string;
  actor: Actor;
  /** `METHOD /v1/admin/route/:param`, the route's pattern. */
  action: string;
  target: string | null;
  status: number;
  request: unknown;
  before: unknown;
  after: unknown;
  at: Date;
}

export async function recordAudit(db: DbOrTx, w: AuditWrite): Promise<void> {
  await db.insert(auditLog).values({
    shopId: w.shopId,
    actor: w.actor.label,
    actorKind: w.actor.kind,
    memberId: w.actor.memberId,
    role: w.actor.role,
    action: w.action,
    target: w.target,
    status: w.status,
    request: w.request ?? null,
    before: w.before ?? null,
    after: w.after ?? null,
    createdAt: w.at,
  });
}

export const presentAudit = (e: AuditEntry) => ({
  id: e.id,
  actor: e.actor,
  actorKind: e.actorKind,
  role: e.role,
  action: e.action,
  target: e.target,
  status: e.status,
  request: e.request,
  before: e.before,
  after: e.after,
  createdAt: e.createdAt.toISOString(),
});

/** Newest first, paged by id; `actor` narrows to one person (or "secret key"). */
export async function listAudit(db: DbOrTx, shopId: string, q: { cursor?: number; limit: number; actor?: string }) {
  const where: SQL[] = [eq(auditLog.shopId, shopId)];
  if (q.cursor) where.push(lt(auditLog.id, q.cursor));
  if (q.actor) where.push(eq(auditLog.actor, q.actor));
  const rows = await db.select().from(auditLog).where(and(...where)).orderBy(desc(auditLog.id)).limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return { entries: page.map(presentAudit), nextCursor: rows.length > q.limit ? String(page.at(-1)!.id) : null };
}

const SECRET_KEY = /secret|token|password|apikey|api_key|accesstoken|consumer|hash/i;

/** A body or row as the log keeps it: secrets replaced, everything else as sent. */
export function redacted(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redacted(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redacted(v, depth + 1)]));
}

/**
 * The record an admin action changes, read before and after it, by route:
 * what the log's "before" and "after" show. Settings are narrowed to the
 * fields the request named; other routes show the whole row, secrets removed.
 */
interface Target {
  pattern: RegExp;
  read: (db: DbOrTx, shopId: string, id: string, body: unknown) => Promise<unknown>;
}

const byId = (table: SQLiteTable & { shopId: SQLiteColumn; id: SQLiteColumn }, numeric: boolean) => async (db: DbOrTx, shopId: string, id: string) => {
  const key = numeric ? Number(id) : id;
  if (numeric && !Number.isSafeInteger(key)) return null;
  const [row] = await db.select().from(table).where(and(eq(table.shopId, shopId), eq(table.id, key))).limit(1);
  return row ? redacted(row) : null;
};

const TARGETS: Target[] = [
  {
    pattern: /^\/v1\/admin\/settings$/,
    read: async (db, shopId, _id, body) => {
      const [shop] = await db.select({ settings: shops.settings }).from(shops).where(eq(shops.id, shopId));
      const shown = presentSettings(shop!.settings) as Record<string, unknown>;
      const named = body && typeof body === 'object' ? Object.keys(body) : [];
      return redacted(Object.fromEntries(named.filter((k) => k in shown).map((k) => [k, shown[k]])));
    },
  },
  { pattern: /^\/v1\/admin\/variants\/([^/]+)(?:\/(?:inventory|eta))?$/, read: byId(variants, false) },
  { pattern: /^\/v1\/admin\/signups\/(\d+)\/[a-z-]+$/, read: byId(signups, true) },
  { pattern: /^\/v1\/admin\/backorders\/(\d+)\/[a-z-]+$/, read: byId(backorders, true) },
  { pattern: /^\/v1\/admin\/escalations\/(\d+)\/resolve$/, read: byId(escalations, true) },
  { pattern: /^\/v1\/admin\/purchase-orders\/(\d+)(?:\/[a-z-]+)?$/, read: byId(purchaseOrders, true) },
  { pattern: /^\/v1\/admin\/members\/(\d+)$/, read: byId(members, true) },
];

/** Which record a path acts on (its id, or null), and how to read it. */
export function auditTarget(path: string): { id: string | null; read: ((db: DbOrTx, shopId: string, body: unknown) => Promise<unknown>) | null } {
  for (const t of TARGETS) {
    const m = path.match(t.pattern);
    if (m) {
      const id = m[1] ? decoded(m[1]) : null;
      return { id, read: (db, shopId, body) => t.read(db, shopId, id ?? '', body) };
    }
  }
  return { id: null, read: null };
}

/** A path segment as the route reads it; a malformed escape stays as sent (the route answers 400 or 404 for it). */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
