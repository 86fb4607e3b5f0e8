import { createRouter } from '../../context.ts';
import { doc } from '../../lib/openapi.ts';
import { rotateSecretKey } from '../../services/shops/keys.ts';

export const keysRoutes = createRouter()
  .get('/keys', doc('Keys', 'secret', 'The publishable key for the widget tag (the secret key is never shown again).'), (c) =>
    c.json({ publishableKey: c.get('shop').publishableKey, widgetTag: `<script src="${c.get('deps').config.publicUrl}/widget.js" data-key="${c.get('shop').publishableKey}" defer></script>` }),
  )
  .post('/keys/rotate', doc('Keys', 'secret', 'Replaces the secret key: the new one is shown once, the old one stops working now.'), (c) =>
    c.json(rotateSecretKey(c.get('deps').db, c.get('shop'))),
  );
