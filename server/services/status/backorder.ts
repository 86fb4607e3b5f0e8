import { and, asc, eq, gte, inArray, type SQL } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { escalations, etaChanges, messages, replies, type Backorder, type Contact, type Shop, type Variant } from '../../../db/schema/index.ts';
import { inStockAlternative } from '../backorders/alternative.ts';
import { unitsTold } from '../backorders/confirm-partial.ts';
import { awaitsConfirmation, backorderStatus, nextUpdateAt } from '../backorders/view.ts';
import { presentEta } from '../variants/upsert.ts';
import { requestKey } from './request.ts';

export type Range = { earliest: string; latest: string };

/** Where the ETA came from, in the words the page uses: the shop, or a supplier's shipment predicted from its history or taken from its quote. */
export type EtaSource = 'merchant' | 'history' | 'quote' | null;

export type BackorderEvent =
  | { kind: 'ordered'; at: Date }
  | { kind: 'eta'; at: Date; from: Range | null; to: Range; reason: string | null }
  | { kind: 'allocated' | 'shipped' | 'cancelled'; at: Date }
  | { kind: 'refunded'; at: Date; amount: number }
  | { kind: 'message'; at: Date; subject: string }
  | { kind: 'reply'; at: Date; text: string };

export interface BackorderStatusView {
  kind: 'backorder';
  shop: Shop;
  contact: Contact;
  line: Backorder;
  variant: Variant;
  status: ReturnType<typeof backorderStatus>;
  /** Units the customer knows are still owed: a part set aside that a person has not confirmed is not news yet. */
  owed: number;
  eta: Range | null;
  etaSource: EtaSource;
  /** Newest first. */
  timeline: BackorderEvent[];
  nextUpdateAt: Date | null;
  alternative: { name: string; url: string | null } | null;
  /** Requests already made from this page, still open: the page says so instead of offering them again. */
  requested: { switch: boolean; call: boolean };
}

export function etaSourceOf(variant: Variant): EtaSource {
  if (!presentEta(variant)) return null;
  if (variant.etaSource === 'purchase-order') return variant.etaBasis?.from === 'prior' ? 'quote' : 'history';
  return 'merchant';
}

/** The rows that exist about this line, as events: nothing is inferred that was not recorded. */
async function timelineOf(db: DbOrTx, line: Backorder): Promise<BackorderEvent[]> {
  const events: BackorderEvent[] = [{ kind: 'ordered', at: line.createdAt }];
  const changes = await db
    .select()
    .from(etaChanges)
    .where(and(eq(etaChanges.shopId, line.shopId), eq(etaChanges.variantId, line.variantId), gte(etaChanges.createdAt, line.createdAt)))
    .orderBy(asc(etaChanges.id));
  for (const change of changes) {
    const from = change.fromEarliest && change.fromLatest ? { earliest: change.fromEarliest, latest: change.fromLatest } : null;
    events.push({ kind: 'eta', at: change.createdAt, from, to: { earliest: change.toEarliest, latest: change.toLatest }, reason: change.reason });
  }
  const told = await db
    .select({ template: messages.template, subject: messages.subject, channel: messages.channel, createdAt: messages.createdAt })
    .from(messages)
    .where(and(eq(messages.shopId, line.shopId), eq(messages.backorderId, line.id)))
    .orderBy(asc(messages.id));
  const sentAt = (template: string) => told.find((m) => m.template === template)?.createdAt;
  for (const m of told) if (m.channel === 'email' && m.subject) events.push({ kind: 'message', at: m.createdAt, subject: m.subject });
  for (const r of await repliesTo(db, line.shopId, eq(replies.backorderId, line.id))) events.push(r);
  const allocatedAt = sentAt('backorder-allocated') ?? (line.status === 'allocated' ? line.resolvedAt : null);
  if (allocatedAt) events.push({ kind: 'allocated', at: allocatedAt });
  const shippedAt = line.status === 'shipped' ? (sentAt('backorder-shipped') ?? line.resolvedAt) : null;
  if (shippedAt) events.push({ kind: 'shipped', at: shippedAt });
  if (line.status === 'cancelled' && line.resolvedAt) events.push({ kind: 'cancelled', at: line.resolvedAt });
  if (line.refundedAt) events.push({ kind: 'refunded', at: line.refundedAt, amount: line.refundedAmount ?? 0 });
  // Newest first; at the same instant the later-recorded event leads (a change before the message about it).
  return events.map((e, i) => ({ e, i })).sort((a, b) => b.e.at.getTime() - a.e.at.getTime() || b.i - a.i).map(({ e }) => e);
}

/** What the customer wrote back about it, as they wrote it (cut short). */
export async function repliesTo(db: DbOrTx, shopId: string, about: SQL): Promise<Array<{ kind: 'reply'; at: Date; text: string }>> {
  const rows = await db.select({ text: replies.text, at: replies.receivedAt }).from(replies).where(and(eq(replies.shopId, shopId), about)).orderBy(asc(replies.id)).limit(50);
  return rows.map((r) => ({ kind: 'reply', at: r.at, text: r.text.length > 200 ? `${r.text.slice(0, 199)}…` : r.text }));
}

async function openRequests(db: DbOrTx, shop: Shop, line: Backorder) {
  const keys = [requestKey(shop, 'switch_request', line), requestKey(shop, 'call_request', line)];
  const open = await db
    .select({ kind: escalations.kind })
    .from(escalations)
    .where(and(eq(escalations.shopId, shop.id), inArray(escalations.key, keys), eq(escalations.status, 'open')));
  return { switch: open.some((r) => r.kind === 'switch_request'), call: open.some((r) => r.kind === 'call_request') };
}

/** Everything the customer's page for one backorder line shows; reads only. */
export async function backorderStatusView(db: DbOrTx, found: { line: Backorder; shop: Shop; contact: Contact; variant: Variant }): Promise<BackorderStatusView> {
  const { line, shop, contact, variant } = found;
  const status = backorderStatus(line);
  // inStockAlternative is written for a transaction but only reads: a GET takes no write lock for it.
  const alternative = status === 'open' ? await inStockAlternative(db as Tx, shop.id, variant) : null;
  return {
    kind: 'backorder',
    shop,
    contact,
    line,
    variant,
    status,
    owed: line.quantity - ((await awaitsConfirmation(db, line)) ? await unitsTold(db, line) : line.served),
    eta: status === 'open' ? presentEta(variant) : null,
    etaSource: etaSourceOf(variant),
    timeline: await timelineOf(db, line),
    nextUpdateAt: await nextUpdateAt(db, line),
    alternative,
    requested: await openRequests(db, shop, line),
  };
}
