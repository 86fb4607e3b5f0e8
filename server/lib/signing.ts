import { createHmac } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/index.ts';
import { kv } from '../../db/schema/index.ts';
import { safeEqual, token } from './tokens.ts';

/** The secret that signs click links; made once per database and kept in it, so links outlive restarts. */
export function signingSecret(db: Db): string {
  const found = db.select().from(kv).where(eq(kv.key, 'signing_secret')).get();
  if (found) return found.value;
  const value = token(32);
  db.insert(kv).values({ key: 'signing_secret', value }).onConflictDoNothing().run();
  return db.select().from(kv).where(eq(kv.key, 'signing_secret')).get()!.value;
}

export function sign(secret: string, ...parts: string[]): string {
  return createHmac('sha256', secret).update(parts.join('\n')).digest('base64url').slice(0, 32);
}

export function verify(secret: string, signature: string, ...parts: string[]): boolean {
  return safeEqual(sign(secret, ...parts), signature);
}
