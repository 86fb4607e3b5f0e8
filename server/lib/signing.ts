import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { transaction } from '../../db/transaction.ts';
import type { Db } from '../../db/index.ts';
import { kv } from '../../db/schema/index.ts';
import { safeEqual, token } from './tokens.ts';

/** The secret that signs click links; made once per database and kept in it, so links outlive restarts. */
export async function signingSecret(db: Db): Promise<string> {
  return transaction(db, async (tx) => {
    // Two processes starting together keep whichever secret was written first.
    await tx.insert(kv).values({ key: 'signing_secret', value: token(32) }).onConflictDoNothing();
    const [found] = await tx.select().from(kv).where(eq(kv.key, 'signing_secret'));
    return found!.value;
  });
}

export function sign(secret: string, ...parts: string[]): string {
  return createHmac('sha256', secret).update(parts.join('\n')).digest('base64url').slice(0, 32);
}

export function verify(secret: string, signature: string, ...parts: string[]): boolean {
  return safeEqual(sign(secret, ...parts), signature);
}
