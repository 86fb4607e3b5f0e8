import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startCheckpointer, type Checkpointer } from '../../db/checkpointer.ts';
import { createDb, sqliteWriter } from '../../db/index.ts';

let dir: string;
let opened: ReturnType<typeof createDb>;
let checkpointer: Checkpointer;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'waitline-checkpointer-'));
  opened = createDb(join(dir, 'w.db'));
  checkpointer = startCheckpointer(opened.db, join(dir, 'w.db'), () => {});
});
afterEach(async () => {
  await checkpointer.stop();
  opened.close();
  rmSync(dir, { recursive: true, force: true });
});

const threshold = (connection: { pragma(source: string, options: { simple: true }): unknown }) => connection.pragma('wal_autocheckpoint', { simple: true });

it("raises the threshold on the writer, which makes every commit, and leaves the reader's alone", () => {
  // Set on the reader (as once happened), every 1,000th page's commit checkpointed and fsynced in the writer.
  expect(sqliteWriter(opened.db)).not.toBe(opened.db.$client);
  expect(threshold(sqliteWriter(opened.db))).toBe(16000);
  expect(threshold(opened.db.$client)).toBe(1000);
});
