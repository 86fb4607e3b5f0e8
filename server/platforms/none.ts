import type { InventoryAdapter } from './types.ts';

/** API-driven shops push their stock to us; there is nothing to ask. */
export const noneAdapter: InventoryAdapter = {
  name: 'none',
  fetchInventory: async () => new Map(),
};
