import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { routePath } from 'hono/route';
import { transaction } from '../../../db/transaction.ts';
import type { AppEnv } from '../../context.ts';
import { Forbidden } from '../../lib/errors.ts';
import { bearer } from '../../lib/http.ts';
import { auditTarget, recordAudit, redacted } from '../../services/people/audit.ts';
import { allows, keyActor, needed, type Actor } from '../../services/people/roles.ts';
import { csrfMatches, memberBySession, SESSION_COOKIE } from '../../services/people/sessions.ts';
import { shopBySecretKey } from '../../services/shops/authenticate.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Who is calling an admin route, and may they. The secret key (a Bearer
 * header) acts as an owner; a person signed in by link carries the session
 * cookie, and every call of theirs that is not a read must also carry the
 * session's CSRF token, which another site's page cannot know. The role
 * table (services/people/roles.ts) decides the rest, and every change that
 * succeeds is written to the audit log with the record before and after.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const deps = c.get('deps');
  const session = c.req.header('authorization') === undefined ? getCookie(c, SESSION_COOKIE) : undefined;
  let actor: Actor = keyActor;
  if (session) {
    const { member, shop } = await memberBySession(deps.db, session, deps.clock.now());
    if (!READ_METHODS.has(c.req.method) && !csrfMatches(deps.secret, session, c.req.header('x-csrf-token'))) {
      throw Forbidden('This change needs the X-CSRF-Token of your session; reload the dashboard');
    }
    c.set('shop', shop);
    actor = { kind: 'member', label: member.email, role: member.role, memberId: member.id };
  } else {
    c.set('shop', await shopBySecretKey(deps.db, bearer(c)));
  }
  c.set('actor', actor);
  const need = needed(c.req.method, c.req.path);
  if (!allows(actor.role, need.role)) throw Forbidden(`A ${actor.role} cannot do this; it needs ${need.role === 'owner' ? 'an owner' : 'staff'}`);
  if (!need.writes) return next();
  await audited(c, actor, next);
};

/** Runs the route and, when it changed something, logs who did what to which record. */
async function audited(c: Context<AppEnv>, actor: Actor, next: () => Promise<void>) {
  const { db, clock } = c.get('deps');
  const shopId = c.get('shop').id;
  const path = c.req.path;
  const body = await jsonBody(c);
  const target = auditTarget(path);
  const before = target.read ? await target.read(db, shopId, body) : null;
  await next();
  if (c.res.status >= 400 || c.get('dryRun')) return;
  const after = target.read ? await target.read(db, shopId, body) : null;
  // After next() Hono's route index is the handler that answered: its pattern, not the path.
  const action = `${c.req.method} ${routePath(c) || path}`;
  // An erasure's request is the very address being erased: the log keeps that it happened, not whom.
  const request = path.endsWith('/contacts/erase') ? { erased: true } : redacted(body);
  await transaction(db, (tx) => recordAudit(tx, { shopId, actor, action, target: target.id, status: c.res.status, request, before, after, at: clock.now() }));
}

/**
 * The JSON body, read once (Hono keeps it for the route's validator). Other
 * bodies are named, not stored, and an import is never read here whatever it
 * claims to be: its route streams it.
 */
async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('application/json') || c.req.path.endsWith('/import')) return type ? { contentType: type.split(';')[0] } : null;
  try {
    return await c.req.json();
  } catch {
    return null;
  }
}
