import type { Tx } from '../../../db/index.ts';
import { messages, type Reply, type Shop } from '../../../db/schema/index.ts';
import { rowToken } from '../../lib/tokens.ts';
import { esc } from '../../../emails/mjml/kit.ts';
import { defaultSettings } from '../settings/schema.ts';
import { bareAddress } from './address.ts';

const ACTIONS: Record<Reply['action'], string> = {
  recorded: 'Recorded; nothing else was needed.',
  escalated: 'Escalated: it is in the Waitline dashboard (and your helpdesk, if connected).',
  cancel_link: 'Sent the customer the link to confirm the cancel on their status page. Nothing changes until they do.',
  unsubscribed: 'Stopped further messages to this customer, as the unsubscribe link does.',
};

/**
 * Every reply also lands in the inbox the team already reads: the shop's
 * support address (else its sender address), with what Waitline made of it
 * on top. An email reply's Reply-To is the customer, so answering the forward
 * answers them. Written pre-rendered into the outbox in the reply's
 * transaction, so it is sent once, paced with every other email, and survives
 * a crash; nothing is written while the shop has no real address yet.
 */
export async function forwardReply(tx: Tx, deps: { clock: { now(): Date } }, shop: Shop, reply: Reply, context: { who: string; about: string }): Promise<void> {
  const { sender, supportEmail } = shop.settings;
  const to = supportEmail ?? (sender.email === defaultSettings().sender.email ? null : sender.email);
  if (!to) return;
  const now = deps.clock.now();
  const customer = reply.channel === 'email' ? bareAddress(reply.from) : null;
  const subject = `Reply from ${context.who}${context.about ? ` about ${context.about}` : ''} (${reply.intent})`;
  const lines = [
    `${context.who} replied by ${reply.channel === 'sms' ? `text from ${reply.from}` : 'email'}${context.about ? ` about ${context.about}` : ''}.`,
    `Read as: ${reply.intents.join(', ') || 'other'}. ${ACTIONS[reply.action]}`,
    customer ? 'Reply to this email to answer the customer.' : `To answer, text ${reply.from} or call.`,
  ];
  const text = `${lines.join('\n')}\n\n— ${reply.subject ? `“${reply.subject}”` : 'Their message'} —\n${reply.text}\n`;
  const html = `<div style="font-family:sans-serif;font-size:14px;line-height:1.5">${lines.map((l) => `<p>${esc(l)}</p>`).join('')}<blockquote style="border-left:3px solid #ccc;margin:0;padding:0 12px;white-space:pre-wrap">${esc(reply.text)}</blockquote></div>`;
  await tx
    .insert(messages)
    .values({
      shopId: shop.id,
      contactId: null,
      publicId: rowToken(now),
      template: 'reply-forward',
      channel: 'email',
      to,
      from: `${sender.name.replace(/["<>\r\n]/g, '')} <${sender.email}>`,
      props: { replyId: reply.id },
      renderedAt: now,
      subject: subject.replace(/[\r\n]+/g, ' ').slice(0, 250),
      text,
      html,
      headers: customer ? { 'Reply-To': customer } : {},
      idempotencyKey: `reply-forward:${reply.id}`,
      sendAfter: now,
      createdAt: now,
    })
    .onConflictDoNothing();
}
