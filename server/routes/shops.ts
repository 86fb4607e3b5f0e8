import { z } from 'zod';
import { doc } from '../lib/openapi.ts';
import { createRouter } from '../context.ts';
import { Unauthorized } from '../lib/errors.ts';
import { plainText } from '../lib/fields.ts';
import { bearer } from '../lib/http.ts';
import { safeEqual } from '../lib/tokens.ts';
import { validate } from '../lib/validate.ts';
import { createShop } from '../services/shops/create.ts';
import { settingsPatchSchema, presentSettings, refuseClosedUrls } from '../services/settings/index.ts';

const body = z
  .object({
    name: plainText(100).pipe(z.string().min(1, 'is required')),
    settings: settingsPatchSchema.optional(),
  })
  .strict();

/** Creating a shop is the operator's job: it takes the root token, not a shop key. */
export const shopsRoutes = createRouter().post(
  '/v1/shops',
  doc('Shops', 'root', 'Creates a shop; the secret key is shown once.', { 201: { description: 'Created' } }),
  async (c, next) => {
    const given = bearer(c);
    if (!given || !safeEqual(given, c.get('deps').config.adminToken)) throw Unauthorized('Send WAITLINE_ADMIN_TOKEN as a Bearer token');
    await next();
  },
  validate('json', body),
  async (c) => {
  refuseClosedUrls(c.req.valid('json').settings, c.get('deps').config.allowPrivateWebhooks);
  const { shop, publishableKey, secretKey } = await createShop(c.get('deps'), c.req.valid('json'));
  return c.json(
    {
      shop: { id: shop.id, name: shop.name, createdAt: shop.createdAt.toISOString(), settings: presentSettings(shop.settings) },
      publishableKey,
      secretKey,
    },
    201,
  );
  },
);
