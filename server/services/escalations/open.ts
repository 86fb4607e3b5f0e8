import { and, eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { escalations, type EscalationKind, type Shop } from '../../../db/schema/index.ts';
import { emit } from '../webhooks/outbound.ts';
import { queueTicket, ticketRef } from '../helpdesk/queue.ts';
import { queueEscalationWebhook } from './webhook.ts';

export interface EscalationInput {
  shop: Shop;
  kind: EscalationKind;
  /** Names the trigger, so it opens one escalation however often it fires. */
  key: string;
  orderId?: string | null;
  contactId?: number | null;
  summary: string;
  recommendedAction: string;
  now: Date;
}

/**
 * Hands a case to a person, inside the caller's transaction. With a helpdesk
 * webhook configured, `escalation.created` is queued for the webhook sender;
 * with a helpdesk connected, the order's ticket is opened or updated.
 * (`_deps` is unused: it stays so every call site reads the same.)
 */
export async function openEscalation(tx: Tx, _deps: object, input: EscalationInput): Promise<number | null> {
  const [row] = await tx
    .insert(escalations)
    .values({
      shopId: input.shop.id,
      kind: input.kind,
      key: `${input.shop.id}:${input.kind}:${input.key}`,
      orderId: input.orderId ?? null,
      contactId: input.contactId ?? null,
      summary: input.summary,
      recommendedAction: input.recommendedAction,
      createdAt: input.now,
    })
    .onConflictDoNothing()
    .returning({ id: escalations.id });
  if (row) {
    await emit(tx, input.shop, 'escalation.created', {
      escalation: { id: row.id, kind: input.kind, orderId: input.orderId ?? null, summary: input.summary, recommendedAction: input.recommendedAction, createdAt: input.now.toISOString() },
    }, input.now);
  }
  if (row && input.shop.settings.escalation.webhookUrl) {
    await queueEscalationWebhook(tx, input.shop, row.id, input.now);
  }
  if (row) {
    const ref = ticketRef({ id: row.id, orderId: input.orderId ?? null, contactId: input.contactId ?? null });
    await queueTicket(tx, input.shop, ref, `esc:${row.id}:open`, { event: 'open', escalationId: row.id }, input.now);
  }
  return row?.id ?? null;
}

/** An open escalation pauses automated cancel offers for its order. */
export async function hasOpenEscalation(db: DbOrTx, shopId: string, orderId: string): Promise<boolean> {
  const [open] = await db
    .select({ id: escalations.id })
    .from(escalations)
    .where(and(eq(escalations.shopId, shopId), eq(escalations.orderId, orderId), eq(escalations.status, 'open')))
    .limit(1);
  return Boolean(open);
}
