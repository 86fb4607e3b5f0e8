import type { Role } from '../../../db/schema/index.ts';

/** Who is acting on an admin route: a person signed in by link, or whoever holds the secret key. */
export interface Actor {
  kind: 'member' | 'key';
  /** How the audit log names them: the person's email, or "secret key". */
  label: string;
  role: Role;
  memberId: number | null;
}

export const keyActor: Actor = { kind: 'key', label: 'secret key', role: 'owner', memberId: null };

const RANK: Record<Role, number> = { viewer: 0, staff: 1, owner: 2 };

export const allows = (role: Role, needed: Role) => RANK[role] >= RANK[needed];

/** What a route asks of its caller, and whether calling it changes anything (and so is audited). */
export interface Need {
  role: Role;
  writes: boolean;
}

/**
 * Owners only, whatever the method: keys, store connections, people and the
 * audit log, webhook payloads, and whole-contact or whole-list exports (a
 * customer's everything is not a staff task).
 */
const OWNER_ONLY = [
  /^\/v1\/admin\/(members|audit|keys|connections|webhooks)(\/|$)/,
  /^\/v1\/admin\/contacts\//,
  /^\/v1\/admin\/signups\.csv$/,
  // Sends a real message from the shop's sender: part of setting the shop up.
  /^\/v1\/admin\/templates\/[^/]+\/test$/,
];

/** Settings are read by everyone (the dashboard formats with them) and changed by owners. */
const OWNER_WRITES = [/^\/v1\/admin\/settings$/];

/** POSTs that only compute an answer: a restock's dry run, a message preview. */
const READS_BY_POST = [/^\/v1\/admin\/variants\/[^/]+\/inventory\/preview$/, /^\/v1\/admin\/templates\/[^/]+\/preview$/];

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The one table of who may do what: viewers read, staff also act on stock,
 * the queue, orders, refunds, suppliers and escalations, owners do the rest.
 * A route not named here falls to its method, so a new write route is staff
 * work by default, never a viewer's.
 */
export function needed(method: string, path: string): Need {
  const writes = !READ_METHODS.has(method) && !READS_BY_POST.some((r) => r.test(path));
  if (OWNER_ONLY.some((r) => r.test(path))) return { role: 'owner', writes };
  if (writes && OWNER_WRITES.some((r) => r.test(path))) return { role: 'owner', writes };
  return { role: writes ? 'staff' : 'viewer', writes };
}
