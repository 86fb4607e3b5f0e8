import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Backup and restore of the SQLite database (`npm run backup`, scripts/backup.ts).
 * Both write beside their destination and rename into place, so a file at the
 * destination's name is always whole: a cron run cut short leaves no half
 * backup, and a failed restore leaves the database as it was.
 */

/** Something the operator can fix, said in one line (the CLI prints it and exits 1). */
export class BackupError extends Error {}

/** `backups/waitline-20261201T194500Z.db`: UTC, sortable, no characters a shell or Windows minds. */
export const defaultBackupPath = (now: Date, dir = 'backups') =>
  join(dir, `waitline-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.db`);

/** sqlite3_backup_step's "all remaining pages" (better-sqlite3 caps a step at this). */
const ALL_PAGES = 0x7fffffff;

/**
 * A consistent copy of the live database at `dbPath`, while the server keeps
 * writing. The pages go in one step: one read transaction, so one snapshot.
 * In small steps, each commit the server makes between two steps restarts the
 * copy from page 1 (SQLite's rule for writes from another connection), and a
 * busy server could keep it restarting. In WAL mode a reader does not hold up
 * the writer, so signups go on being taken during the copy.
 */
export async function backupSqlite(dbPath: string, to: string): Promise<{ path: string; bytes: number }> {
  if (!existsSync(dbPath)) throw new BackupError(`no database at ${dbPath} (set WAITLINE_DB to the file the server uses)`);
  if (existsSync(to)) throw new BackupError(`${to} already exists; choose another --to`);
  mkdirSync(dirname(to), { recursive: true });
  const partial = `${to}.partial`;
  removeDatabaseFiles(partial);
  try {
    // Read-write only so that, when it is the last connection, closing it tidies the -wal and -shm away; it writes nothing.
    const source = new Database(dbPath, { fileMustExist: true, timeout: 5000 });
    try {
      await source.backup(partial, { progress: () => ALL_PAGES });
    } finally {
      source.close();
    }
    checkWaitlineDatabase(partial, dbPath);
    syncFile(partial);
    renameSync(partial, to);
    syncFile(dirname(to));
  } catch (error) {
    removeDatabaseFiles(partial);
    throw error instanceof BackupError ? error : new BackupError(`cannot copy ${dbPath}: ${messageOf(error)}`);
  }
  return { path: to, bytes: statSync(to).size };
}

/**
 * Puts the backup `from` in place of the database at `dbPath`. The server must
 * be stopped: a running one would go on with the pages it has cached and its
 * WAL, over a file that is no longer theirs.
 */
export function restoreSqlite(from: string, dbPath: string): { bytes: number } {
  if (!existsSync(from)) throw new BackupError(`no backup at ${from}`);
  // Copying a database file without its WAL loses the commits still in the WAL.
  if ((statSync(`${from}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0) {
    throw new BackupError(`${from}-wal holds commits that are not in ${from} yet: restore a file made by npm run backup`);
  }
  mkdirSync(dirname(dbPath), { recursive: true });
  // Same directory as the target, so the rename stays on one filesystem and is atomic.
  const incoming = join(dirname(dbPath), `.${basename(dbPath)}.restoring-${process.pid}`);
  try {
    copyFileSync(from, incoming);
    // The bytes that will be put in place are the ones checked, not the file they came from.
    checkWaitlineDatabase(incoming, from);
    refuseWhileOpen(dbPath);
    syncFile(incoming);
    // A -wal left beside the new file would be replayed into it at the next open.
    for (const side of ['-wal', '-shm', '-journal']) rmSync(`${dbPath}${side}`, { force: true });
    renameSync(incoming, dbPath);
    syncFile(dirname(dbPath));
  } catch (error) {
    removeDatabaseFiles(incoming);
    throw error instanceof BackupError ? error : new BackupError(messageOf(error));
  }
  return { bytes: statSync(dbPath).size };
}

/** Opens `path` read-only: SQLite's integrity check passes, and it is Waitline's (it has the migrations table). `name` is what the operator knows it by. */
export function checkWaitlineDatabase(path: string, name = path): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check);
    if (problems[0] !== 'ok') throw new BackupError(`${name} fails SQLite's integrity check: ${problems.slice(0, 3).join('; ')}`);
    const migrations = db.prepare(`select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'`).get() as { n: number };
    if (migrations.n === 0) throw new BackupError(`${name} is a SQLite database but not Waitline's (it has no migrations table)`);
  } catch (error) {
    throw error instanceof BackupError ? error : new BackupError(`${name} is not a SQLite database (${messageOf(error)})`);
  } finally {
    db?.close();
    // A read-only connection cannot remove the -wal and -shm it made for a WAL-mode file; these are ours.
    for (const side of ['-wal', '-shm']) rmSync(`${path}${side}`, { force: true });
  }
}

/**
 * In WAL mode every open connection keeps a shared lock on the database file,
 * idle or not, so an exclusive lock is refused at once while the server (or any
 * other process) has it open. Closing the probe folds the old WAL into the old
 * file, which is about to be replaced anyway.
 */
function refuseWhileOpen(dbPath: string): void {
  if (!existsSync(dbPath)) return;
  let probe: Database.Database | undefined;
  try {
    probe = new Database(dbPath, { fileMustExist: true, timeout: 0 });
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new BackupError(`${dbPath} is open in another process: stop the server, then restore`);
    }
    // Anything else (a damaged file, say) is a reason to restore, not to refuse.
  } finally {
    probe?.close();
  }
}

/** fsync, so a rename is not durable before the bytes it names (a directory for the rename itself). */
function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeDatabaseFiles(path: string): void {
  for (const side of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${side}`, { force: true });
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
