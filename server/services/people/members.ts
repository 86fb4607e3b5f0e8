import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { memberLinks, members, memberSessions, type Member, type Role, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Conflict, NotFound, uniqueViolation } from '../../lib/errors.ts';
import { upsertContact } from '../contacts/upsert.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { sendLink } from './links.ts';
import type { Actor } from './roles.ts';

export interface Invite {
  email: string;
  name?: string;
  role: Role;
}

/** A team member as the API shows them: never a link or a session. */
export const presentMember = (m: Member) => ({
  id: m.id,
  email: m.email,
  name: m.name,
  role: m.role,
  invitedBy: m.invitedBy,
  createdAt: m.createdAt.toISOString(),
  lastSignInAt: m.lastSignInAt?.toISOString() ?? null,
});

export async function listMembers(db: DbOrTx, shopId: string) {
  const rows = await db.select().from(members).where(eq(members.shopId, shopId)).orderBy(asc(members.id));
  return rows.map(presentMember);
}

/**
 * Adds a person to the team and emails them a single-use invitation through
 * the shop's own transport, in the same transaction. `sent` is false when the
 * address opted out of the shop's email: they can still ask for a sign-in link
 * themselves, which an opt-out does not stop.
 */
export async function inviteMember(deps: Deps, shop: Shop, actor: Actor, invite: Invite): Promise<{ member: Member; sent: boolean }> {
  const now = deps.clock.now();
  const result = await transaction(deps.db, async (tx) => {
    const { contact } = await upsertContact(tx, shop.id, { email: invite.email, locale: shop.settings.locale }, now);
    let member: Member | undefined;
    try {
      [member] = await tx
        .insert(members)
        .values({ shopId: shop.id, email: invite.email, name: invite.name ?? null, role: invite.role, contactId: contact.id, invitedBy: actor.label, createdAt: now })
        .returning();
    } catch (error) {
      if (uniqueViolation(error)) throw Conflict(`${invite.email} is already on the team`, 'email');
      throw error;
    }
    const batch = MessageBatch.for(tx, now);
    const sent = await sendLink(tx, deps, batch, { shop, member: member!, contact, purpose: 'invite', inviter: actor.kind === 'key' ? shop.name : actor.label }, now);
    await batch.flush();
    return { member: member!, sent };
  });
  if (result.sent) deps.wake();
  return result;
}

/** Changes a person's role; their open sessions carry the new role from their next call. */
export async function changeRole(deps: Pick<Deps, 'db'>, shopId: string, actor: Actor, id: number, role: Role): Promise<Member> {
  if (actor.memberId === id) throw Conflict('You cannot change your own role: ask another owner', 'role');
  const [member] = await transaction(deps.db, (tx) => tx.update(members).set({ role }).where(and(eq(members.shopId, shopId), eq(members.id, id))).returning());
  if (!member) throw NotFound('Team member');
  return member;
}

/** Removes a person from the team: their links stop working and their sessions end at once. */
export async function removeMember(deps: Pick<Deps, 'db'>, shopId: string, actor: Actor, id: number): Promise<void> {
  if (actor.memberId === id) throw Conflict('You cannot remove yourself: ask another owner');
  await transaction(deps.db, async (tx: Tx) => {
    const [gone] = await tx.delete(members).where(and(eq(members.shopId, shopId), eq(members.id, id))).returning({ id: members.id });
    if (!gone) throw NotFound('Team member');
    await tx.delete(memberSessions).where(and(eq(memberSessions.shopId, shopId), eq(memberSessions.memberId, id)));
    await tx.delete(memberLinks).where(and(eq(memberLinks.shopId, shopId), eq(memberLinks.memberId, id)));
  });
}
