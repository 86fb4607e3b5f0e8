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
  ours.sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

const newShop = (db: Database.Database, id: string) =>
  db.prepare(`insert into shops (id, name, publishable_key, secret_key_hash, settings, created_at) values (?, 'S', ?, ?, '{}', 0)`).run(id, `pk_${id}`, `h_${id}`);

describe('the SQLite version source', () => {
  it("names the shop of each of this connection's writes as it is made, and nothing at the next poll", () => {
    newShop(ours.sqlite, 'shop_a');
    ours.sqlite.prepare(`insert into kv (key, value) values ('x', 'y')`).run(); // untracked
    expect(told).toEqual(['shop_a']);
    versionSource(ours.sqlite).poll();
    expect(told).toEqual(['shop_a']);
  });

  it("reports another connection's commit at the next poll, as 'anything may have changed', and only once", () => {
    const source = versionSource(ours.sqlite);
    source.poll();
    newShop(theirs, 'shop_b');
    expect(told).toEqual([]);
    source.poll();
    expect(told).toEqual([null]);
    source.poll();
    theirs.pragma('wal_checkpoint(PASSIVE)');
    source.poll();
    expect(told).toEqual([null]);
  });
});
