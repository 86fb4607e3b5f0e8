import { z } from 'zod';
import { doc } from '../../lib/openapi.ts';
import { createRouter } from '../../context.ts';
import { validate } from '../../lib/validate.ts';
import { listMessages } from '../../services/messages/list.ts';

const query = z.object({
  to: z
    .string()
    .trim()
    .max(320)
    .transform((s) => (s.includes('@') ? s.toLowerCase() : s))
    .optional(),
  template: z.string().max(64).optional(),
  signupId: z.coerce.number().int().positive().optional(),
  cursor: z.coerce.number().int().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const messagesRoutes = createRouter().get('/messages', doc('Messages', 'secret', 'Every email and SMS, newest first, rendered as sent (the outbox); `previewHtml` is the HTML without its open pixel and with links untracked, for a preview that records no open or click.'), validate('query', query), async (c) =>
  c.json(await listMessages(c.get('deps'), c.get('shop').id, { ...c.req.valid('query'), withoutTeamLinks: c.get('actor').role !== 'owner' })),
);
