import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { createRouter } from '../context.ts';
import { email } from '../lib/fields.ts';
import { clientIp, rateLimit } from '../lib/http.ts';
import { doc } from '../lib/openapi.ts';
import { validate } from '../lib/validate.ts';
import { requestSignInLinks, signInWithLink } from '../services/people/links.ts';
import { presentMember } from '../services/people/members.ts';
import { csrfToken, endSession, SESSION_COOKIE } from '../services/people/sessions.ts';

/** Sign-in links asked for per address per minute: enough for a typo and a retry, too few to flood an inbox. */
const LINKS_PER_ADDRESS = 3;

/**
 * Team sign-in. Every route here is a POST with a JSON body, so another site
 * can neither make a browser call it without a CORS preflight (which the
 * server never grants) nor sign a browser into someone else's session.
 */
export const authRoutes = createRouter()
  .post(
    '/v1/auth/link',
    doc('People', 'token', 'Emails a single-use sign-in link to this address for every shop whose team has it. The answer is the same whether or not it does.', { 202: { description: 'Accepted' } }),
    validate('json', z.object({ email }).strict()),
    async (c) => {
      const { email: address } = c.req.valid('json');
      const deps = c.get('deps');
      await rateLimit(c, `team-link-ip:${clientIp(c)}`, deps.config.ratePerIp);
      await rateLimit(c, `team-link:${address}`, LINKS_PER_ADDRESS);
      await requestSignInLinks(deps, address);
      return c.json({ sent: 'If this address is on a team, a sign-in link is on its way.' }, 202);
    },
  )
  .post(
    '/v1/auth/session',
    doc('People', 'token', 'Spends a sign-in or invitation link (the token from its `#t=` fragment) and sets the session cookie: HttpOnly, Secure, SameSite=Strict. Answers the person, the shop and the CSRF token.'),
    validate('json', z.object({ token: z.string().min(20).max(100) }).strict()),
    async (c) => {
      const deps = c.get('deps');
      await rateLimit(c, `team-session-ip:${clientIp(c)}`, deps.config.ratePerIp);
      const { member, shop, session } = await signInWithLink(deps, c.req.valid('json').token);
      setCookie(c, SESSION_COOKIE, session.token, { httpOnly: true, secure: true, sameSite: 'Strict', path: '/', expires: session.expiresAt });
      return c.json({ member: presentMember(member), shop: { id: shop.id, name: shop.name }, csrfToken: csrfToken(deps.secret, session.token) });
    },
  )
  .post('/v1/auth/logout', doc('People', 'token', 'Ends this browser\'s session and clears its cookie.'), async (c) => {
    const session = getCookie(c, SESSION_COOKIE);
    if (session) await endSession(c.get('deps').db, session);
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
    return c.json({ signedOut: true });
  });
