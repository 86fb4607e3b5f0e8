import { z } from 'zod';
import { createRouter } from '../../context.ts';
import { locale } from '../../lib/fields.ts';
import { doc } from '../../lib/openapi.ts';
import { validate } from '../../lib/validate.ts';
import { settingsSchema } from '../../services/settings/index.ts';
import { renderDraft, sendTest, templateList, templateName } from '../../services/settings/templates.ts';

const params = z.object({ name: z.string().max(64) });
const draft = z.object({ locale, strings: settingsSchema.shape.strings.unwrap().optional() }).strict();

export const templatesRoutes = createRouter()
  .get('/templates', doc('Templates', 'secret', 'Every message template with the copy keys it reads: placeholders each must keep, the shipped texts, and the shop’s overrides. Keys every email shares (footer) are listed once, under `shared`, and each template names those it reads in `sharedKeys`.'), (c) =>
    c.json(templateList(c.get('shop'))),
  )
  .post('/templates/:name/preview', doc('Templates', 'secret', 'The template rendered with the shop’s name, sender and brand, its saved overrides and the draft `strings` on top (validated as PATCH /v1/admin/settings validates them). Nothing is stored.'), validate('param', params), validate('json', draft), (c) => {
    const { locale: at, strings } = c.req.valid('json');
    return c.json(renderDraft(c.get('shop'), templateName(c.req.valid('param').name), at, strings));
  })
  .post('/templates/:name/test', doc('Templates', 'secret', 'Sends the rendered draft, subject prefixed "[Test] ", to the shop’s own sender email (never another address); a few per ten minutes.'), validate('param', params), validate('json', draft), async (c) => {
    const { locale: at, strings } = c.req.valid('json');
    return c.json({ sentTo: await sendTest(c.get('deps'), c.get('shop'), templateName(c.req.valid('param').name), at, strings) });
  });
