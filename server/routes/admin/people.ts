import { getCookie } from 'hono/cookie';
import { z } from 'zod';
import { ROLES } from '../../../db/schema/index.ts';
import { createRouter } from '../../context.ts';
import { email, plainText } from '../../lib/fields.ts';
import { doc } from '../../lib/openapi.ts';
import { validate } from '../../lib/validate.ts';
import { listAudit } from '../../services/people/audit.ts';
import { changeRole, inviteMember, listMembers, presentMember, removeMember } from '../../services/people/members.ts';
import { csrfToken, SESSION_COOKIE } from '../../services/people/sessions.ts';

const idParam = z.object({ id: z.coerce.number().int().positive() });
const role = z.enum(ROLES);
const invite = z.object({ email, name: plainText(100).optional(), role }).strict();
const auditQuery = z.object({
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  actor: z.string().trim().min(1).max(254).optional(),
});

/** The team, and who did what: owners only (services/people/roles.ts), except `GET /session`. */
export const peopleRoutes = createRouter()
  .get('/session', doc('People', 'secret', 'Who is calling: the secret key (an owner) or a team member with their role, the shop, and for a signed-in person the CSRF token their changes must carry.'), (c) => {
    const actor = c.get('actor');
    const shop = c.get('shop');
    const session = actor.kind === 'member' ? getCookie(c, SESSION_COOKIE) : undefined;
    return c.json({
      actor: { kind: actor.kind, email: actor.kind === 'member' ? actor.label : null, role: actor.role },
      shop: { id: shop.id, name: shop.name },
      csrfToken: session ? csrfToken(c.get('deps').secret, session) : null,
    });
  })
  .get('/members', doc('People', 'secret', 'The team: each person with their role, who invited them and when they last signed in.'), async (c) =>
    c.json({ members: await listMembers(c.get('deps').db, c.get('shop').id), nextCursor: null }),
  )
  .post('/members', doc('People', 'secret', 'Invites a person by email with a role (`owner`, `staff`, `viewer`); the single-use link goes only to their inbox, through the shop\'s transport. `sent` is false when the address opted out of the shop\'s email.', { 201: { description: 'Invited' } }), validate('json', invite), async (c) => {
    const { member, sent } = await inviteMember(c.get('deps'), c.get('shop'), c.get('actor'), c.req.valid('json'));
    return c.json({ member: presentMember(member), sent }, 201);
  })
  .patch('/members/:id', doc('People', 'secret', 'Changes a person\'s role; it applies from their next call.'), validate('param', idParam), validate('json', z.object({ role }).strict()), async (c) => {
    const member = await changeRole(c.get('deps'), c.get('shop').id, c.get('actor'), c.req.valid('param').id, c.req.valid('json').role);
    return c.json({ member: presentMember(member) });
  })
  .delete('/members/:id', doc('People', 'secret', 'Removes a person: their sessions end and their links stop working at once.'), validate('param', idParam), async (c) => {
    await removeMember(c.get('deps'), c.get('shop').id, c.get('actor'), c.req.valid('param').id);
    return c.json({ removed: true });
  })
  .get('/audit', doc('People', 'secret', 'Every admin change, newest first: who (a person or the secret key), what, on which record, and the record before and after.'), validate('query', auditQuery), async (c) =>
    c.json(await listAudit(c.get('deps').db, c.get('shop').id, c.req.valid('query'))),
  );
