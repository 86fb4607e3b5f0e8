import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { shops } from '../../db/schema/index.ts';
import { transaction } from '../../db/transaction.ts';
import type { Deps } from '../../server/context.ts';
import { takeReply } from '../../server/services/replies/take.ts';

/** A reply as the SMS webhook hands it over (no message routed it), or an email one that matched by sender. */
export async function reply(deps: Deps, shopId: string, channel: 'sms' | 'email', from: string, text: string) {
  const [shop] = await deps.db.select().from(shops).where(eq(shops.id, shopId));
  return transaction(deps.db, (tx) => takeReply(tx, deps, { shop: shop!, channel, providerId: randomUUID(), from, subject: null, text, message: null, receivedAt: deps.clock.now() }));
}
