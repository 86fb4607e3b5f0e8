import { z } from 'zod';
import { doc } from '../../lib/openapi.ts';
import { createRouter } from '../../context.ts';
import { email, phoneText, platformId, shopperPhone, variantId } from '../../lib/fields.ts';
import { validate } from '../../lib/validate.ts';
import { ingestOrder } from '../../services/orders/ingest.ts';

const money = z.number().int('must be in minor units').min(0).max(100_000_000_000);

const orderBody = z
  .object({
    id: platformId,
    name: z.string().trim().min(1, 'must not be empty').max(255).optional(),
    email,
    phone: phoneText.optional(),
    ordersCount: z.number().int().min(0).max(1_000_000).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
    total: money,
    lineItems: z
      .array(
        z
          .object({
            variantId,
            quantity: z.number().int('must be a whole number').min(1).max(10_000),
            price: money,
          })
          .strict(),
      )
      .min(1, 'must have at least one line')
      .max(250),
    holdToken: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'is not a hold token').optional(),
  })
  .strict();

export const ordersRoutes = createRouter()
  .post('/orders', doc('Orders', 'secret', 'An order: consumes holds, takes on-hand units, turns the shortfall into backorders, credits conversions. Idempotent by order id.', { 200: { description: 'Seen before' }, 201: { description: 'Recorded' } }), validate('json', orderBody), async (c) => {
    const body = c.req.valid('json');
    const shop = c.get('shop');
    // A number without a country code is the shop's country's, as the customer typed it at checkout.
    const phone = body.phone === undefined ? undefined : shopperPhone(body.phone, shop.settings.country);
    const result = await ingestOrder(c.get('deps'), shop, { ...body, phone });
    return c.json(result, result.created ? 201 : 200);
  });
