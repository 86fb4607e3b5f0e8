import { createRouter } from '../../context.ts';
import { authenticate } from './authenticate.ts';
import { peopleRoutes } from './people.ts';
import { settingsRoutes } from './settings.ts';
import { variantsRoutes } from './variants.ts';
import { signupsRoutes } from './signups.ts';
import { messagesRoutes } from './messages.ts';
import { ordersRoutes } from './orders.ts';
import { analyticsRoutes } from './analytics.ts';
import { escalationsRoutes } from './escalations.ts';
import { csvRoutes } from './csv.ts';
import { webhooksRoutes } from './webhooks.ts';
import { keysRoutes } from './keys.ts';
import { restocksRoutes } from './restocks.ts';
import { purchaseOrdersRoutes } from './purchase-orders.ts';
import { contactsRoutes } from './contacts.ts';
import { backordersRoutes } from './backorders.ts';
import { connectionsRoutes } from './connections.ts';
import { templatesRoutes } from './templates.ts';

/** Everything under /v1/admin takes the shop's secret key or a team member's session, and sees only that shop. */
export const adminRoutes = createRouter()
  .use('*', authenticate)
  .route('/', peopleRoutes)
  .route('/', csvRoutes)
  .route('/', settingsRoutes)
  .route('/', variantsRoutes)
  .route('/', signupsRoutes)
  .route('/', messagesRoutes)
  .route('/', ordersRoutes)
  .route('/', analyticsRoutes)
  .route('/', escalationsRoutes)
  .route('/', webhooksRoutes)
  .route('/', keysRoutes)
  .route('/', restocksRoutes)
  .route('/', purchaseOrdersRoutes)
  .route('/', contactsRoutes)
  .route('/', backordersRoutes)
  .route('/', connectionsRoutes)
  .route('/', templatesRoutes);
