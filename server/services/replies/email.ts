import { Resend } from 'resend';
import { eq } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { shops } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { enqueueJob } from '../../jobs/queue.ts';
import { answeredMessage } from './address.ts';
import { htmlToText, ownWords } from './quoted.ts';
import { takeReply } from './take.ts';

export const EMAIL_REPLY_JOB = 'replies.email';

/** The part of Resend's `email.received` event we route by; the body is read with the SDK. */
export interface ReceivedEmail {
  email_id: string;
  from: string;
  to?: string[];
  received_for?: string[];
}

/**
 * In the webhook's transaction: the shop the reply was sent to (through the
 * Reply-To of our message), and a job to read and act on it. Null when it
 * answers nothing of ours; it is then only kept as a webhook event.
 */
export async function queueEmailReply(tx: Tx, deps: Pick<Deps, 'config' | 'clock'>, data: ReceivedEmail): Promise<string | null> {
  const message = await answeredMessage(tx, [...(data.received_for ?? []), ...(data.to ?? [])], deps.config.replyDomain);
  if (!message) return null;
  const now = deps.clock.now();
  await enqueueJob(tx, { kind: EMAIL_REPLY_JOB, key: `reply-email:${data.email_id}`, runAt: now, payload: { emailId: data.email_id, messageId: message.id } }, now);
  return message.shopId;
}

/**
 * Job `replies.email`: the reply's body through `resend.emails.receiving.get`
 * (the webhook carries none), cut to the sender's own words and taken as a
 * reply to the message it answers. A failed read retries with backoff.
 */
export async function readEmailReply(deps: Deps, emailId: string): Promise<void> {
  const resend = deps.config.resend;
  if (!resend) throw new Error('RESEND_API_KEY is not set: inbound replies are read through the Resend API');
  const client = resend.baseUrl ? new Resend(resend.apiKey, { baseUrl: resend.baseUrl }) : new Resend(resend.apiKey);
  const { data, error } = await client.emails.receiving.get(emailId);
  if (error || !data) throw new Error(`resend: could not read inbound email ${emailId}: ${error?.message ?? 'no data'}`);
  const taken = await transaction(deps.db, async (tx) => {
    const message = await answeredMessage(tx, [...(data.received_for ?? []), ...data.to], deps.config.replyDomain);
    const [shop] = message ? await tx.select().from(shops).where(eq(shops.id, message.shopId)) : [];
    if (!message || !shop) return null;
    // An empty reply (an attachment alone) is still a reply: a person sees it in the forward.
    const text = ownWords(data.text ?? (data.html ? htmlToText(data.html) : '')) || '(no text)';
    return takeReply(tx, deps, { shop, channel: 'email', providerId: emailId, from: data.from, subject: data.subject ?? null, text, message, receivedAt: deps.clock.now() });
  });
  if (taken) deps.wake();
}
