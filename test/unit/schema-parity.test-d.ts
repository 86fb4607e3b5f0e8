import { expectTypeOf, test } from 'vitest';
import type * as lite from '../../db/schema/index.ts';
import type * as pg from '../../db/schema-pg/index.ts';
import type { TableName } from '../schema-tables.ts';

/**
 * The row types services see are the same on both engines, table by table
 * (TABLE_NAMES is checked to be whole in schema-parity.test.ts). Checked by
 * vitest's typecheck and by `tsc --noEmit`.
 */
type LiteRead = { [K in TableName]: (typeof lite)[K]['$inferSelect'] };
type PgRead = { [K in TableName]: (typeof pg)[K]['$inferSelect'] };
type LiteWrite = { [K in TableName]: (typeof lite)[K]['$inferInsert'] };
type PgWrite = { [K in TableName]: (typeof pg)[K]['$inferInsert'] };

test('a row read from either engine has one type', () => {
  expectTypeOf<PgRead>().toEqualTypeOf<LiteRead>();
});

test('a row written to either engine has one type', () => {
  expectTypeOf<PgWrite>().toEqualTypeOf<LiteWrite>();
});
