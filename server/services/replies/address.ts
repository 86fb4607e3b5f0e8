import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { messages, type Message } from '../../../db/schema/index.ts';

/**
 * Each email's Reply-To: `reply+<public id>@<reply domain>`. The public id is
 * the message's own unguessable id (the one its open pixel carries), so a
 * reply names the message it answers, and through it the shop, the customer
 * and the order or place, without trusting anything else the sender wrote.
 */
export const replyAddress = (publicId: string, domain: string) => `reply+${publicId}@${domain}`;

const TAGGED = /^reply\+([A-Za-z0-9_-]{8,64})@(.+)$/i;

/** The bare address in `Name <addr>` (or the address itself), as written: a tag is case-sensitive. */
export function bareAddress(from: string): string {
  const angled = /<([^<>\s]+@[^<>\s]+)>/.exec(from);
  return (angled ? angled[1]! : from).trim();
}

/**
 * The message a reply was sent to answer: the first recipient at our reply
 * domain whose tag names a message. Null when none does (mail to the domain
 * that answers nothing of ours).
 */
export async function answeredMessage(db: DbOrTx, recipients: string[], domain: string | null): Promise<Message | null> {
  if (!domain) return null;
  for (const recipient of recipients) {
    const match = TAGGED.exec(bareAddress(recipient));
    if (!match || match[2]!.toLowerCase() !== domain) continue;
    const [message] = await db.select().from(messages).where(eq(messages.publicId, match[1]!)).limit(1);
    if (message) return message;
  }
  return null;
}
