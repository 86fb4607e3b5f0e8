import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type OpenDatabase } from '../../db/open.ts';
import { testEngine } from '../helpers.ts';
import { freshPgDatabase } from '../pg/database.ts';

/** A migrated database of this run's engine (test/helpers.ts `testEngine`), opened as the server opens it. */
export async function openTestDatabase(engine = testEngine()): Promise<OpenDatabase & { url?: string }> {
  if (engine === 'pg') {
    const pg = await freshPgDatabase();
    const opened = await openDatabase({ databaseUrl: pg.url, dbPath: '' });
    return {
      ...opened,
      url: pg.url,
      close: async () => {
        await opened.close();
        await pg.drop();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'waitline-db-'));
  const opened = await openDatabase({ dbPath: join(dir, 'waitline.db') });
  return {
    ...opened,
    close: async () => {
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
