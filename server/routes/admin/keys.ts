import { z } from 'zod';
import type { Shop } from '../../../db/schema/index.ts';
import { createRouter } from '../../context.ts';
import { Invalid } from '../../lib/errors.ts';
import { doc } from '../../lib/openapi.ts';
import { validate } from '../../lib/validate.ts';
import { DEFAULT_GRACE_HOURS, MAX_GRACE_HOURS, rotatePublishableKey, rotateSecretKey } from '../../services/shops/keys.ts';

const rotateBody = z
  .object({
    kind: z.enum(['secret', 'publishable'], 'must be "secret" or "publishable"'),
    graceHours: z.number().min(0, 'must be at least 0').max(MAX_GRACE_HOURS, `must be at most ${MAX_GRACE_HOURS}`).optional(),
  })
  .strict();

const widgetTag = (publicUrl: string, key: string) => `<script src="${publicUrl}/widget.js" data-key="${key}" defer></script>`;

export const keysRoutes = createRouter()
  .get('/keys', doc('Keys', 'secret', 'The publishable key for the widget tag (the secret key is never shown again).'), (c) =>
    c.json({ publishableKey: c.get('shop').publishableKey, widgetTag: widgetTag(c.get('deps').config.publicUrl, c.get('shop').publishableKey) }),
  )
  .post(
    '/keys/rotate',
    doc(
      'Keys',
      'secret',
      `Replaces a key. \`{kind:"secret"}\`: the new secret key is shown once and the old one stops working now. \`{kind:"publishable", graceHours?}\`: the old publishable key keeps working for graceHours (0–${MAX_GRACE_HOURS}, default ${DEFAULT_GRACE_HOURS}), so live widgets do not break while the new tag is pasted.`,
    ),
    validate('json', rotateBody),
    async (c) => {
      const body = c.req.valid('json');
      const deps = c.get('deps');
      const shop: Shop = c.get('shop');
      if (body.kind === 'secret') {
        // An old secret key stops at once: a grace period would keep a leaked key alive.
        if (body.graceHours !== undefined) throw Invalid('graceHours applies only to the publishable key; an old secret key stops at once', 'graceHours');
        return c.json(await rotateSecretKey(deps.db, shop));
      }
      const rotated = await rotatePublishableKey(deps, shop, body.graceHours ?? DEFAULT_GRACE_HOURS);
      return c.json({
        publishableKey: rotated.publishableKey,
        widgetTag: widgetTag(deps.config.publicUrl, rotated.publishableKey),
        previousKeyExpiresAt: rotated.previousKeyExpiresAt?.toISOString() ?? null,
      });
    },
  );
