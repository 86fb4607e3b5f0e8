import type { DbOrTx } from '../index.ts';
import { engineOf } from '../engine.ts';
import * as sqliteAnalytics from './sqlite/analytics.ts';
import * as sqliteClaims from './sqlite/claims.ts';
import * as sqliteInserts from './sqlite/inserts.ts';
import * as sqliteLocks from './sqlite/locks.ts';
import * as sqliteMentions from './sqlite/mentions.ts';
import * as sqliteMessages from './sqlite/messages.ts';
import * as sqliteOffers from './sqlite/offers.ts';
import * as sqliteQueue from './sqlite/queue.ts';
import * as sqliteRetention from './sqlite/retention.ts';
import * as sqliteSignupBatch from './sqlite/signup-batch.ts';
import * as sqliteSuppliers from './sqlite/suppliers.ts';
import * as pgAnalytics from './pg/analytics.ts';
import * as pgClaims from './pg/claims.ts';
import * as pgInserts from './pg/inserts.ts';
import * as pgLocks from './pg/locks.ts';
import * as pgMentions from './pg/mentions.ts';
import * as pgMessages from './pg/messages.ts';
import * as pgOffers from './pg/offers.ts';
import * as pgQueue from './pg/queue.ts';
import * as pgRetention from './pg/retention.ts';
import * as pgSignupBatch from './pg/signup-batch.ts';
import * as pgSuppliers from './pg/suppliers.ts';

const sqlite = {
  analytics: sqliteAnalytics,
  claims: sqliteClaims,
  inserts: sqliteInserts,
  locks: sqliteLocks,
  mentions: sqliteMentions,
  messages: sqliteMessages,
  offers: sqliteOffers,
  queue: sqliteQueue,
  retention: sqliteRetention,
  signupBatch: sqliteSignupBatch,
  suppliers: sqliteSuppliers,
};
// Each PostgreSQL twin exports what its SQLite twin does, with the same types (a missing one fails here).
const pg: typeof sqlite = {
  analytics: pgAnalytics,
  claims: pgClaims,
  inserts: pgInserts,
  locks: pgLocks,
  mentions: pgMentions,
  messages: pgMessages,
  offers: pgOffers,
  queue: pgQueue,
  retention: pgRetention,
  signupBatch: pgSignupBatch,
  suppliers: pgSuppliers,
};

/**
 * The engine-specific statements for this handle's engine: `twins(tx).queue.queueHead`.
 * Run them with `statementRows` / `runWrite` (db/raw.ts).
 */
export const twins = (db: DbOrTx): typeof sqlite => (engineOf(db) === 'pg' ? pg : sqlite);
