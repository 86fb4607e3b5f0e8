import { createRouter } from '../../context.ts';
import { doc } from '../../lib/openapi.ts';
import { validate } from '../../lib/validate.ts';
import { presentSettings, settingsPatchSchema, updateSettings } from '../../services/settings/index.ts';

export const settingsRoutes = createRouter()
  .get('/settings', doc('Settings', 'secret', 'The shop settings, secrets masked.'), (c) => c.json({ settings: presentSettings(c.get('shop').settings) }))
  .patch('/settings', doc('Settings', 'secret', 'Changes only the settings the body names; each is validated.'), validate('json', settingsPatchSchema), async (c) => {
    const shop = await updateSettings(c.get('deps'), c.get('shop'), c.req.valid('json'));
    return c.json({ settings: presentSettings(shop.settings) });
  });
