import { bigint, customType } from 'drizzle-orm/pg-core';

/**
 * The Postgres twins of SQLite's column kinds, chosen so a row means the same
 * on both engines and has the same TypeScript type.
 *
 * SQLite's INTEGER is a signed 64-bit integer, and better-sqlite3 hands it to
 * JS as a number: `int64` is Postgres' bigint read as a number, so every id,
 * count and minor-unit amount that fits in SQLite fits here too (an `integer`
 * column would overflow at 2^31, e.g. a total in rupiah or a busy outbox's ids).
 */
export const int64 = (name: string) => bigint(name, { mode: 'number' });

/**
 * SQLite keeps instants as epoch milliseconds (`integer` in `timestamp_ms`
 * mode, a Date in JS). This stores the same number in a bigint, so the
 * hand-written SQL that compares and buckets `created_at` against millisecond
 * bounds (analytics, retention) means the same on both engines, a copied row
 * keeps its exact value, and the row type is still `Date`. (`timestamptz(3)`
 * would also read back as Date, but every raw comparison would need casts.)
 */
export const timestampMs = customType<{ data: Date; driverData: string | number }>({
  dataType: () => 'bigint',
  toDriver: (value) => value.getTime(),
  // node-postgres returns bigint as a string unless the pool parses it.
  fromDriver: (value) => new Date(Number(value)),
});
