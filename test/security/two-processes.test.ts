import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { setup, shopWithVariant, type TestEnv } from '../helpers.ts';

/**
 * A second process on the same SQLite file (a worker thread with its own
 * better-sqlite3 connection is the same to SQLite): it takes the write lock
 * over and over, holding it a few milliseconds each time, as another replica,
 * a migration or the checkpointer's neighbour would.
 */
const OTHER_WRITER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
db.exec("create table if not exists other_process (n integer primary key, at integer)");
const write = db.transaction(() => {
  db.prepare('insert into other_process (at) values (?)').run(Date.now());
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs);
}).immediate;
const idle = new Int32Array(new SharedArrayBuffer(4));
let stop = false;
parentPort.on('message', () => { stop = true; });
let commits = 0;
const loop = () => {
  const until = Date.now() + 50;
  while (Date.now() < until) {
    write();
    commits++;
    Atomics.wait(idle, 0, 0, workerData.idleMs);
  }
  if (stop) {
    db.close();
    parentPort.postMessage(commits);
  } else setImmediate(loop);
};
parentPort.postMessage('ready');
loop();
`;

function otherWriter(path: string, holdMs = 4, idleMs = 4) {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(OTHER_WRITER, { eval: true, workerData: { driver, path, holdMs, idleMs } });
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  const stop = () =>
    new Promise<number>((resolve, reject) => {
      worker.once('message', (commits: number) => resolve(commits));
      worker.once('error', reject);
      worker.postMessage('stop');
    });
  return { ready, stop };
}

let t: TestEnv;
afterEach(() => t.cleanup());

describe('two processes on one SQLite file', () => {
  it('signups, settings changes and restocks wait for the other writer: no 500, no "database is locked"', async () => {
    t = await setup({ WAITLINE_RATE_PER_IP: '0', WAITLINE_RATE_PER_EMAIL: '0' });
    const shop = await shopWithVariant(t);
    const other = otherWriter(t.config.dbPath);
    await other.ready;
    const statuses: number[] = [];
    // A fixed amount of work, not a time window: the point is what each answer is, not how many fit in a second.
    for (let wave = 0; wave < 12; wave++) {
      const answers = await Promise.all([
        ...Array.from({ length: 8 }, (_, i) => shop.signup({ email: `w${wave}.${i}@example.com` })),
        shop.admin('PATCH', '/v1/admin/settings', { contact: `Call us, wave ${wave}.` }),
        shop.admin('POST', '/v1/admin/variants/4401/inventory', { available: wave % 3 }),
        shop.admin('PUT', `/v1/admin/variants/v${wave % 5}`, { productTitle: `Tee ${wave}`, mode: 'waitlist', inventory: 0 }),
      ]);
      statuses.push(...answers.map((a) => a.status));
      await t.dispatch();
    }
    const commits = await other.stop();
    expect(commits).toBeGreaterThan(10); // the other process really was writing throughout
    expect(statuses).toHaveLength(12 * 11);
    expect(statuses.filter((s) => s >= 300)).toEqual([]);
    expect(t.logs.filter((l) => /locked|busy|unhandled/i.test(l))).toEqual([]);
  });

  it('the test above can fail: a DEFERRED read-then-write beside the same writer is refused at once', async () => {
    t = await setup();
    const sqlite = t.deps.db.$client;
    const other = otherWriter(t.config.dbPath);
    await other.ready;
    const readThenWrite = sqlite.transaction(() => {
      sqlite.prepare('select count(*) from shops').get();
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3); // let the other writer in between
      sqlite.prepare(`insert into kv (key, value) values ('x', 'y') on conflict (key) do update set value = excluded.value`).run();
    });
    const outcomes = { deferred: [] as string[], immediate: [] as string[] };
    for (let i = 0; i < 100; i++) {
      for (const kind of ['deferred', 'immediate'] as const) {
        try {
          (kind === 'deferred' ? readThenWrite.deferred : readThenWrite)();
        } catch (error) {
          outcomes[kind].push((error as { code?: string }).code ?? String(error));
        }
      }
    }
    await other.stop();
    expect(outcomes.deferred.length).toBeGreaterThan(0);
    expect(outcomes.deferred.every((code) => code.startsWith('SQLITE_BUSY'))).toBe(true);
    expect(outcomes.immediate).toEqual([]); // the connection's default
  });
});
