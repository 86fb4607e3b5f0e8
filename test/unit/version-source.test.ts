import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { versionSource } from '../../db/changes.ts';
import { createDb } from '../../db/index.ts';

let dir: string;
let ours: ReturnType<typeof createDb>;
let theirs: Database.Database;
let told: Array<string | null>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'waitline-versions-'));
  ours = createDb(join(dir, 'w.db'));
  // Another process's connection: no triggers of ours, its commits seen only through the file.
  theirs = new Database(join(dir, 'w.db'));
  theirs.pragma('busy_timeout = 5000');
  told = [];
  versionSource(ours.sqlite).subscribe((shopId) => told.push(shopId));
});
afterEach(() => {
  theirs.close();
  ours.close();
  rmSync(dir, { recursive: true, force: true });
});

const newShop = (db: Database.Database, id: string) =>
  db.prepare(`insert into shops (id, name, publishable_key, secret_key_hash, settings, created_at) values (?, 'S', ?, ?, '{}', 0)`).run(id, `pk_${id}`, `h_${id}`);

/** After the check phase of this turn, where the version source forgets that it looked. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('the SQLite version source', () => {
  it("names the shop of each of this connection's writes as it is made, and nothing at the next poll", () => {
    newShop(ours.sqlite, 'shop_a');
    ours.sqlite.prepare(`insert into kv (key, value) values ('x', 'y')`).run(); // untracked
    expect(told).toEqual(['shop_a']);
    void versionSource(ours.sqlite).poll();
    expect(told).toEqual(['shop_a']);
  });

  it("reports another connection's commit at the next poll, as 'anything may have changed', and only once", async () => {
    const source = versionSource(ours.sqlite);
    void source.poll();
    await nextTurn();
    newShop(theirs, 'shop_b');
    expect(told).toEqual([]);
    void source.poll();
    expect(told).toEqual([null]);
    await nextTurn();
    void source.poll();
    await nextTurn();
    theirs.pragma('wal_checkpoint(PASSIVE)');
    void source.poll();
    expect(told).toEqual([null]);
  });

  it('looks once per turn of the event loop: the requests read in one turn share the look', async () => {
    const source = versionSource(ours.sqlite);
    void source.poll();
    newShop(theirs, 'shop_d');
    void source.poll();
    expect(told).toEqual([]);
    await nextTurn();
    void source.poll();
    expect(told).toEqual([null]);
  });
});

describe('a migration run by another process', () => {
  // SQLite ties a TEMP trigger to its table by name: a rebuild elsewhere (drop, rename) keeps ours working.
  it("leaves this connection's writes to a table it rebuilt reported", () => {
    const source = versionSource(ours.sqlite);
    newShop(ours.sqlite, 'shop_c');
    told.length = 0;
    // A table rebuild, as drizzle-kit writes one for SQLite.
    theirs.exec(`
      PRAGMA foreign_keys = OFF;
      CREATE TABLE __new_retired_publishable_keys (key text PRIMARY KEY NOT NULL, shop_id text NOT NULL, retired_at integer NOT NULL, expires_at integer NOT NULL, note text);
      INSERT INTO __new_retired_publishable_keys (key, shop_id, retired_at, expires_at) SELECT key, shop_id, retired_at, expires_at FROM retired_publishable_keys;
      DROP TABLE retired_publishable_keys;
      ALTER TABLE __new_retired_publishable_keys RENAME TO retired_publishable_keys;
    `);
    void source.poll();
    ours.sqlite.prepare(`insert into retired_publishable_keys (key, shop_id, retired_at, expires_at) values ('pk_old', 'shop_c', 0, 1)`).run();
    expect(told).toEqual([null, 'shop_c']);
  });
});
