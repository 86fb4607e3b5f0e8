import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/index.ts';
import { client, killed, serverEnv, startServer } from '../child-server.ts';
import { startResendStub, type ResendStub } from '../stubs/resend-stub.ts';

/**
 * `npm run backup` as an operator runs it: the CLI in a process of its own,
 * against a real server on a real file, taking signups while it copies.
 */

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npx tsx scripts/backup.ts …`, with the database named only by the environment, as in production. */
function backupCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    // Not the shell's DATABASE_URL: left exported, it would turn every run into the PostgreSQL refusal.
    const child = spawn('npx', ['tsx', 'scripts/backup.ts', ...args], { cwd: REPO, env: { ...process.env, DATABASE_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The emails of every signup a server holds, through its CSV export. */
async function signupEmails(env: Record<string, string>, sk: string): Promise<Set<string>> {
  const res = await fetch(`http://127.0.0.1:${env.PORT}/v1/admin/signups.csv`, { headers: { authorization: `Bearer ${sk}` } });
  const [header, ...lines] = (await res.text()).trim().split('\n');
  expect(header!.split(',')[0]).toBe('email');
  return new Set(lines.map((line) => line.split(',')[0]!));
}

describe('npm run backup', () => {
  let stub: ResendStub;
  let dir = '';
  const servers: ChildProcess[] = [];
  beforeAll(async () => {
    stub = await startResendStub();
    dir = mkdtempSync(join(tmpdir(), 'waitline-backup-'));
  });
  afterAll(async () => {
    for (const server of servers) await killed(server);
    await stub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies the database while the server takes signups; the copy restores into a server that has them, and only them', async () => {
    const live = join(dir, 'live', 'waitline.db');
    const env = await serverEnv(live, stub.url);
    servers.push(await startServer(env));
    const { api, createShop, seedLine } = client(env);
    const { sk, pk } = await createShop();
    const seeded = Array.from({ length: 300 }, (_, i) => `seed${i}@example.com`);
    await seedLine(sk, 'v1', seeded);

    // One signup at a time, each committed before the next is sent: a consistent copy holds a prefix of them.
    const acknowledged: string[] = [];
    let writing = true;
    const signingUp = (async () => {
      for (let i = 0; writing; i++) {
        const email = `live${i}@example.com`;
        const res = await api('/v1/storefront/signups', { method: 'POST', body: { key: pk, variantId: 'v1', email } });
        if (res.status !== 201) throw new Error(`signup ${i}: ${res.status} ${JSON.stringify(res.body)}`);
        acknowledged.push(email);
        // A steady trickle, not a flood: the suite's timing-sensitive files share these two cores.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await expect.poll(() => acknowledged.length, { timeout: 10_000 }).toBeGreaterThan(5);

    const copy = join(dir, 'copies', 'waitline-copy.db');
    const before = acknowledged.length;
    const backup = await backupCli(['--to', copy], { WAITLINE_DB: live });
    const after = acknowledged.length;
    // Signups after the copy too, so "none of them in it" below means something.
    await expect.poll(() => acknowledged.length, { timeout: 10_000 }).toBeGreaterThan(after + 20);
    writing = false;
    await signingUp;
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(new RegExp(`^Backed up ${live} to ${copy} \\(\\d+\\.\\d (KB|MB), [\\d,]+ bytes\\)\\n$`));
    expect(after - before, 'signups committed while the backup ran').toBeGreaterThan(0);
    expect(readdirSync(dirname(copy))).toEqual(['waitline-copy.db']);

    // While the server has the file open, a restore over it is refused and the server carries on.
    const refused = await backupCli(['--restore', copy], { WAITLINE_DB: live });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`Restore failed: ${live} is open in another process: stop the server, then restore\n`);
    expect((await signupEmails(env, sk)).size).toBe(seeded.length + acknowledged.length);
    await killed(servers.pop()!);

    const restored = join(dir, 'restored', 'waitline.db');
    const restore = await backupCli(['--restore', copy], { WAITLINE_DB: restored });
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(`Restored ${copy} to ${restored} (`);
    const envRestored = await serverEnv(restored, stub.url);
    servers.push(await startServer(envRestored));

    const emails = await signupEmails(envRestored, sk);
    const liveIn = acknowledged.filter((e) => emails.has(e));
    expect(seeded.filter((e) => !emails.has(e)), 'imported signups missing from the restored copy').toEqual([]);
    // Everything acknowledged before the backup began, then an unbroken run, and nothing sent after it ended
    // (one signup may have committed before the copy and been answered after the CLI exited).
    expect(liveIn).toEqual(acknowledged.slice(0, liveIn.length));
    expect(liveIn.length).toBeGreaterThanOrEqual(before);
    expect(liveIn.length).toBeLessThanOrEqual(after + 1);
    expect(emails.size).toBe(seeded.length + liveIn.length);

    // And the restored server takes new signups on top.
    const { api: apiRestored } = client(envRestored);
    expect((await apiRestored('/v1/storefront/signups', { method: 'POST', body: { key: pk, variantId: 'v1', email: 'after@example.com' } })).status).toBe(201);
    await killed(servers.pop()!);
    const check = new Database(restored, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  }, 120_000);

  it.each([
    { what: 'a file that is not a database', make: (p: string) => writeFileSync(p, 'not a database\n'.repeat(512)), says: (p: string) => `${p} is not a SQLite database (file is not a database)` },
    { what: "a SQLite file that is not Waitline's", make: (p: string) => new Database(p).exec('create table notes (body text)').close(), says: (p: string) => `${p} is a SQLite database but not Waitline's (it has no migrations table)` },
    { what: 'a file that does not exist', make: () => {}, says: (p: string) => `no backup at ${p}` },
  ])('refuses to restore $what, leaving the database untouched', async ({ what, make, says }) => {
    const name = what.replace(/\W+/g, '-');
    const target = join(dir, name, 'waitline.db');
    mkdirSync(dirname(target), { recursive: true });
    createDb(target).close();
    const before = { hash: sha256(target), files: readdirSync(dirname(target)).sort() };
    const from = join(dir, `${name}.db`);
    make(from);

    const run = await backupCli(['--restore', from], { WAITLINE_DB: target });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`Restore failed: ${says(from)}\n`);
    expect({ hash: sha256(target), files: readdirSync(dirname(target)).sort() }).toEqual(before);
  }, 30_000);

  it('says so when there is no database to back up, and writes nothing', async () => {
    const to = join(dir, 'never', 'copy.db');
    const run = await backupCli(['--to', to], { WAITLINE_DB: join(dir, 'missing', 'waitline.db') });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`Backup failed: no database at ${join(dir, 'missing', 'waitline.db')} (set WAITLINE_DB to the file the server uses)\n`);
    expect(existsSync(dirname(to))).toBe(false);
  }, 30_000);

  it('points at pg_dump when the database is PostgreSQL, and writes nothing', async () => {
    const to = join(dir, 'pg', 'copy.db');
    const run = await backupCli(['--to', to], { WAITLINE_DB: join(dir, 'missing', 'waitline.db'), DATABASE_URL: 'postgres://waitline@127.0.0.1:5432/waitline' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^DATABASE_URL is set, so the database is PostgreSQL: back it up with pg_dump -Fc and restore it with pg_restore/);
    expect(existsSync(dirname(to))).toBe(false);
  }, 30_000);
});
