import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { contacts, memberLinks, members, shops, type Contact, type Member, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Unauthorized } from '../../lib/errors.ts';
import { sha256, token } from '../../lib/tokens.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { recordAudit } from './audit.ts';
import { startSession } from './sessions.ts';

interface LinkFor {
  shop: Shop;
  member: Member;
  contact: Contact;
  purpose: 'invite' | 'sign_in';
  inviter?: string;
}

/**
 * Writes a single-use link and its email. The token exists only in the email
 * (the row keeps its SHA-256), and the dashboard reads it from the address's
 * fragment, which browsers never send to a server or a referrer.
 */
export async function sendLink(tx: Tx, deps: Pick<Deps, 'config'>, batch: MessageBatch, link: LinkFor, now: Date): Promise<boolean> {
  const value = token(32);
  const tokenHash = sha256(value);
  const validMs = link.purpose === 'invite' ? deps.config.inviteMs : deps.config.signInLinkMs;
  await tx.insert(memberLinks).values({ tokenHash, shopId: link.shop.id, memberId: link.member.id, purpose: link.purpose, expiresAt: new Date(now.getTime() + validMs), createdAt: now });
  return batch.email({
    shop: link.shop,
    contact: link.contact,
    // Each link is its own event; the hash names it without holding the token.
    key: `team-link:${tokenHash.slice(0, 24)}`,
    template: 'team-link',
    props: { kind: link.purpose, inviter: link.inviter, role: link.member.role, url: `${deps.config.publicUrl}/admin/link#t=${value}`, validMs },
    // Only the address itself asks for a sign-in link, so an opt-out does not stop it; an invitation it does.
    evenIfOptedOut: link.purpose === 'sign_in',
  });
}

/**
 * Emails a sign-in link for every shop whose team has this address. The caller
 * is told nothing either way (the route answers the same), so the form cannot
 * be used to learn who is on which team. Returns how many were written.
 */
export async function requestSignInLinks(deps: Deps, email: string): Promise<number> {
  const now = deps.clock.now();
  const written = await transaction(deps.db, async (tx) => {
    const rows = await tx
      .select({ member: members, shop: shops, contact: contacts })
      .from(members)
      .innerJoin(shops, eq(shops.id, members.shopId))
      .innerJoin(contacts, eq(contacts.id, members.contactId))
      .where(eq(members.email, email))
      .limit(20);
    const batch = MessageBatch.for(tx, now);
    for (const row of rows) await sendLink(tx, deps, batch, { ...row, purpose: 'sign_in' }, now);
    const size = batch.size;
    await batch.flush();
    return size;
  });
  if (written > 0) deps.wake();
  return written;
}

/**
 * Spends a link and starts a session, in one transaction with its audit
 * entry: a link works once (two tabs racing get one session between them),
 * only until it expires, and only while the person is still on the team.
 */
export async function signInWithLink(deps: Pick<Deps, 'db' | 'clock' | 'config'>, value: string) {
  const now = deps.clock.now();
  return transaction(deps.db, async (tx) => {
    const [spent] = await tx
      .update(memberLinks)
      .set({ usedAt: now })
      .where(and(eq(memberLinks.tokenHash, sha256(value)), isNull(memberLinks.usedAt), gt(memberLinks.expiresAt, now)))
      .returning();
    const [row] = spent
      ? await tx
          .select({ member: members, shop: shops })
          .from(members)
          .innerJoin(shops, eq(shops.id, members.shopId))
          .where(and(eq(members.id, spent.memberId), eq(members.shopId, spent.shopId)))
      : [];
    if (!row) throw Unauthorized('This sign-in link has expired or was already used: ask for a new one');
    const session = await startSession(tx, row.member, now, deps.config.sessionMs);
    const { member } = row;
    // Who came in, and by which kind of link, is part of the record of who did what.
    await recordAudit(tx, {
      shopId: member.shopId,
      actor: { kind: 'member', label: member.email, role: member.role, memberId: member.id },
      action: 'POST /v1/auth/session',
      target: null,
      status: 200,
      request: { link: spent!.purpose },
      before: null,
      after: null,
      at: now,
    });
    return { ...row, session };
  });
}
