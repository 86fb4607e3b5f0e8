/**
 * Every table of db/schema by its export name, which db/schema-pg exports too.
 * test/unit/schema-parity.test.ts checks the list is whole, so type-level checks
 * mapped over it (schema-parity.test-d.ts) cannot miss a table.
 */
export const TABLE_NAMES = [
  'shops',
  'variants',
  'contacts',
  'signups',
  'offers',
  'messages',
  'jobs',
  'restocks',
  'orders',
  'conversions',
  'kv',
  'backorders',
  'escalations',
  'etaChanges',
  'webhookEvents',
  'inventoryLevels',
  'webhookDeliveries',
  'queueActions',
  'suppliers',
  'purchaseOrders',
  'poReceipts',
  'queueCounts',
  'contactConfirmations',
  'webhookEndpoints',
  'retiredPublishableKeys',
  'smsBudget',
  'emailCaps',
  'platformLevels',
  'platformOrderLines',
  'rateLimits',
  'connections',
  'connectionWebhooks',
  'widgetSightings',
  'platformReservations',
  'writeBacks',
  'replies',
  'helpdeskTickets',
] as const;

export type TableName = (typeof TABLE_NAMES)[number];
