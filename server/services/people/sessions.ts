import { createHmac } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '../../../db/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { members, memberSessions, shops, type Member, type Shop } from '../../../db/schema/index.ts';
import { Unauthorized } from '../../lib/errors.ts';
import { safeEqual, sha256, token } from '../../lib/tokens.ts';

/**
 * The cookie that keeps a person signed in. `__Host-` makes browsers refuse it
 * unless it is Secure, host-only and for the whole path, so no subdomain or
 * plain-http page can set or shadow it.
 */
export const SESSION_COOKIE = '__Host-waitline_session';

/** Starts a session for a person who just followed their link; the token goes into the cookie only. */
export async function startSession(tx: Tx, member: Member, now: Date, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
  const value = token(32);
  const expiresAt = new Date(now.getTime() + ttlMs);
  await tx.insert(memberSessions).values({ tokenHash: sha256(value), shopId: member.shopId, memberId: member.id, createdAt: now, expiresAt });
  await tx.update(members).set({ lastSignInAt: now }).where(eq(members.id, member.id));
  return { token: value, expiresAt };
}

/** The person and shop a session cookie belongs to; a removed person's or an ended session is a 401. */
export async function memberBySession(db: DbOrTx, value: string, now: Date): Promise<{ member: Member; shop: Shop }> {
  const [row] = await db
    .select({ member: members, shop: shops })
    .from(memberSessions)
    .innerJoin(members, and(eq(members.id, memberSessions.memberId), eq(members.shopId, memberSessions.shopId)))
    .innerJoin(shops, eq(shops.id, memberSessions.shopId))
    .where(and(eq(memberSessions.tokenHash, sha256(value)), gt(memberSessions.expiresAt, now)));
  if (!row) throw Unauthorized('Your sign-in has ended: ask for a new sign-in link');
  return row;
}

export async function endSession(db: Db, value: string): Promise<void> {
  await transaction(db, (tx) => tx.delete(memberSessions).where(eq(memberSessions.tokenHash, sha256(value))));
}

/**
 * The CSRF token of a session: derived from the cookie's value with the
 * server's secret, so it needs no storage and cannot be made by a page that
 * cannot read the cookie. The dashboard sends it as `X-CSRF-Token` with every
 * call that changes something.
 */
export const csrfToken = (secret: string, session: string) => createHmac('sha256', secret).update(`csrf:${session}`).digest('base64url');

export const csrfMatches = (secret: string, session: string, sent: string | undefined) => sent !== undefined && safeEqual(csrfToken(secret, session), sent);
