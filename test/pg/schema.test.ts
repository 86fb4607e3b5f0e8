import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as lite from '../../db/schema/index.ts';
import * as pgs from '../../db/schema-pg/index.ts';
import { TABLE_NAMES } from '../schema-tables.ts';
import { freshPgDatabase, freshSqliteDatabase, type FreshPgDatabase } from './database.ts';
import { ROWS } from './rows.ts';

let pg: FreshPgDatabase;
let sqlite: ReturnType<typeof freshSqliteDatabase>;

beforeAll(async () => {
  pg = await freshPgDatabase();
  sqlite = freshSqliteDatabase();
});
afterAll(async () => {
  await pg?.drop();
  sqlite?.close();
});

const sorted = (names: Array<{ name: string }>) => names.map((r) => r.name).sort();

describe('PostgreSQL schema on a real server', () => {
  it('has every table and index the SQLite migrations make, and the queue-count triggers', async () => {
    const sqliteTables = sqlite.db.$client
      .prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'`)
      .all() as Array<{ name: string }>;
    const pgTables = await pg.db.$client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public'`);
    expect(sorted(pgTables.rows)).toEqual(sorted(sqliteTables));
    expect(pgTables.rows).toHaveLength(TABLE_NAMES.length);

    // Primary keys aside (SQLite's are implicit), the same index names: partial, unique and expression ones included.
    const sqliteIndexes = sqlite.db.$client
      .prepare(`select name from sqlite_master where type = 'index' and name not like 'sqlite_autoindex_%'`)
      .all() as Array<{ name: string }>;
    const pgIndexes = await pg.db.$client.query<{ name: string }>(
      `select i.indexname as name from pg_indexes i join pg_class c on c.relname = i.indexname
       join pg_index x on x.indexrelid = c.oid where i.schemaname = 'public' and not x.indisprimary`,
    );
    expect(sorted(pgIndexes.rows)).toEqual(sorted(sqliteIndexes));

    // The change-notice triggers follow the tables and are checked in test/pg/notify.test.ts.
    const triggers = await pg.db.$client.query<{ name: string }>(
      `select tgname as name from pg_trigger where not tgisinternal and tgname not like 'waitline_changed%'`,
    );
    expect(sorted(triggers.rows)).toEqual(['signups_queue_delete', 'signups_queue_insert', 'signups_queue_update']);
  });

  it('gives back one row per table exactly as SQLite does: instants, JSON key order, 64-bit amounts, booleans, nulls, defaults', async () => {
    for (const table of TABLE_NAMES) {
      sqlite.db.insert(lite[table]).values(ROWS[table] as never).run();
      await pg.db.insert(pgs[table]).values(ROWS[table] as never);
    }
    for (const table of TABLE_NAMES) {
      const fromSqlite = sqlite.db.select().from(lite[table]).all();
      const fromPg = await pg.db.select().from(pgs[table]);
      const byText = (rows: object[]) => rows.map((r) => [JSON.stringify(r), r] as const).sort(([a], [b]) => a.localeCompare(b));
      expect(fromSqlite, table).toContainEqual(expect.objectContaining(ROWS[table]));
      // The same values of the same classes (Date, number, boolean, null), and the same JSON text: key order too.
      expect(byText(fromPg), table).toEqual(byText(fromSqlite));
    }
  });

  it('matches supplier names ignoring ASCII case only, as SQLite’s NOCASE does', async () => {
    const at = new Date('2026-03-02T12:00:00Z');
    const attempts = ['KILN & CO', 'Éclat', 'éclat', 'ÉCLAT'];
    const outcome = async (insert: (name: string) => Promise<unknown>) => {
      const kept: string[] = [];
      for (const name of attempts) {
        try {
          await insert(name);
          kept.push(name);
        } catch {
          // refused by suppliers_shop_name_idx
        }
      }
      return kept;
    };
    const onSqlite = await outcome(async (name) => sqlite.db.insert(lite.suppliers).values({ shopId: 'shop_1', name, createdAt: at }).run());
    const onPg = await outcome((name) => pg.db.insert(pgs.suppliers).values({ shopId: 'shop_1', name, createdAt: at }));
    // "KILN & CO" is "Kiln & Co" (from the row above); "Éclat" and "éclat" differ beyond ASCII; "ÉCLAT" is "Éclat".
    expect(onSqlite).toEqual(['Éclat', 'éclat']);
    expect(onPg).toEqual(onSqlite);
  });
});
