import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { escalations, shops } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { presentEscalations } from './list.ts';

/**
 * Job `escalation.webhook`: POSTs `escalation.created` to the shop's helpdesk
 * hook (Gorgias, Zendesk, Re:amaze through Zapier or Make). The body is signed:
 * `Waitline-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">` with the shop's
 * webhook secret. A non-2xx answer throws, so the job retries with backoff.
 */
export async function deliverEscalationWebhook(deps: Deps, escalationId: number): Promise<void> {
  const row = deps.db.select().from(escalations).innerJoin(shops, eq(shops.id, escalations.shopId)).where(eq(escalations.id, escalationId)).get();
  if (!row) return;
  const { webhookUrl, webhookSecret } = row.shops.settings.escalation;
  if (!webhookUrl || !webhookSecret) return;
  const [escalation] = presentEscalations(deps.db, row.shops.id, [row.escalations]);
  const body = JSON.stringify({ type: 'escalation.created', shop: { id: row.shops.id, name: row.shops.name }, escalation });
  const t = Math.floor(deps.clock.now().getTime() / 1000);
  const signature = createHmac('sha256', webhookSecret).update(`${t}.${body}`).digest('hex');
  const res = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'waitline-signature': `t=${t},v1=${signature}` },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`escalation webhook answered ${res.status}`);
}
