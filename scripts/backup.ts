import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backupSqlite, defaultBackupPath, restoreSqlite } from '../db/backup.ts';

/**
 * `npm run backup -- [--to FILE]` copies the SQLite database while the server
 * runs; `npm run backup -- --restore FILE` puts a copy back, with the server
 * stopped (db/backup.ts). Prints one line, or one line on stderr and
 * exits 1.
 */
const USAGE = 'Usage: npm run backup -- [--to backups/waitline.db] | npm run backup -- --restore backups/waitline-….db';

async function main(env: NodeJS.ProcessEnv): Promise<number> {
  let options: { to?: string; restore?: string };
  try {
    options = parseArgs({ options: { to: { type: 'string' }, restore: { type: 'string' } } }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  if (options.to !== undefined && options.restore !== undefined) {
    console.error(`--to and --restore do not go together.\n${USAGE}`);
    return 1;
  }
  if (env.DATABASE_URL) {
    console.error('DATABASE_URL is set, so the database is PostgreSQL: back it up with pg_dump -Fc and restore it with pg_restore (README, "Backups").');
    return 1;
  }
  // The server's own default (server/config.ts), relative to the package as under `npm start`.
  const dbPath = env.WAITLINE_DB || './data/waitline.db';
  // `npm run` moves to the package root; a file named on the command line means the operator's directory.
  const given = (path: string) => resolve(env.INIT_CWD ?? '.', path);
  try {
    if (options.restore !== undefined) {
      const { bytes } = restoreSqlite(given(options.restore), dbPath);
      console.log(`Restored ${given(options.restore)} to ${dbPath} (${size(bytes)}). Start the server.`);
    } else {
      const { path, bytes } = await backupSqlite(dbPath, options.to !== undefined ? given(options.to) : defaultBackupPath(new Date()));
      console.log(`Backed up ${dbPath} to ${path} (${size(bytes)})`);
    }
    return 0;
  } catch (error) {
    console.error(`${options.restore !== undefined ? 'Restore' : 'Backup'} failed: ${(error as Error).message}`);
    return 1;
  }
}

const size = (bytes: number) => `${bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`}, ${bytes.toLocaleString('en')} bytes`;

process.exitCode = await main(process.env);
