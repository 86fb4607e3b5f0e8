import { z } from 'zod';
import { createRouter } from '../../context.ts';
import { email, phoneText, shopperPhone } from '../../lib/fields.ts';
import { doc } from '../../lib/openapi.ts';
import { validate } from '../../lib/validate.ts';
import type { ContactKey } from '../../services/contacts/find.ts';
import { eraseContact } from '../../services/contacts/erase.ts';
import { exportContact } from '../../services/contacts/export.ts';

const ONE = 'or phone is required, and not both';
/** One person, by exactly one address: a request naming two could mean two people. */
const contactKey = z
  .object({ email: email.optional(), phone: phoneText.optional() })
  .strict()
  .refine((k) => (k.email === undefined) !== (k.phone === undefined), { message: ONE, path: ['email'] });

/** The contact as stored: a phone typed without its country code is read as the shop's country's. */
const keyOf = (k: z.output<typeof contactKey>, country: string): ContactKey =>
  k.email !== undefined ? { email: k.email } : { phone: shopperPhone(k.phone!, country) };

export const contactsRoutes = createRouter()
  .get(
    '/contacts/export',
    doc('Contacts', 'secret', 'Everything held about one contact of this shop (`?email=` or `?phone=`): the contact, places with offers and queue actions, orders, backorders, messages as sent, escalations, inbound payloads and outbound webhook events naming them. 404 when this shop has no such contact (or it was erased).', { 200: { description: 'The export' }, 404: { description: 'No such contact in this shop' } }),
    validate('query', contactKey),
    async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await exportContact(c.get('deps'), c.get('shop').id, keyOf(c.req.valid('query'), c.get('shop').settings.country)));
    },
  )
  .post(
    '/contacts/erase',
    doc('Contacts', 'secret', 'Removes one contact\'s personal data (`{email}` or `{phone}`) everywhere in this shop, messages included, and cancels their places in line. Counts and revenue stay, anonymised. Answers the counts of what was erased; erasing again is 404 (nothing is held).', { 200: { description: 'Erased' }, 404: { description: 'No such contact in this shop' } }),
    validate('json', contactKey),
    async (c) => c.json(await eraseContact(c.get('deps'), c.get('shop').id, keyOf(c.req.valid('json'), c.get('shop').settings.country))),
  );
