import { createHmac } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { escalations, webhookDeliveries, type Shop } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { presentEscalations } from './list.ts';

/**
 * Queues `escalation.created` for the shop's helpdesk hook (Gorgias, Zendesk,
 * Re:amaze through Zapier or Make), inside the caller's transaction. The
 * webhook sender delivers it outside the job loop, with the shop's other hooks.
 */
export async function queueEscalationWebhook(tx: Tx, shop: Shop, escalationId: number, now: Date): Promise<void> {
  await tx
    .insert(webhookDeliveries)
    .values({
      shopId: shop.id,
      // One delivery per escalation, whoever queues it.
      messageId: `msg_esc_${escalationId}`,
      channel: 'escalation',
      event: 'escalation.created',
      payload: JSON.stringify({ type: 'escalation.created', escalationId }),
      nextAttemptAt: now,
      createdAt: now,
    })
    .onConflictDoNothing();
}

/**
 * The request for one helpdesk delivery, built when it is sent so it shows the
 * case as it is now. The body is signed:
 * `Waitline-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">` with the
 * shop's webhook secret. Null when the hook or the case is gone.
 */
export async function escalationRequest(deps: Pick<Deps, 'db' | 'clock'>, shop: Shop, escalationId: number) {
  const { webhookUrl, webhookSecret } = shop.settings.escalation;
  if (!webhookUrl || !webhookSecret) return null;
  const [row] = await deps.db.select().from(escalations).where(and(eq(escalations.shopId, shop.id), eq(escalations.id, escalationId)));
  if (!row) return null;
  const [escalation] = await presentEscalations(deps.db, shop.id, [row]);
  const body = JSON.stringify({ type: 'escalation.created', shop: { id: shop.id, name: shop.name }, escalation });
  const t = Math.floor(deps.clock.now().getTime() / 1000);
  const signature = createHmac('sha256', webhookSecret).update(`${t}.${body}`).digest('hex');
  return { url: webhookUrl, headers: { 'content-type': 'application/json', 'waitline-signature': `t=${t},v1=${signature}` }, body };
}
