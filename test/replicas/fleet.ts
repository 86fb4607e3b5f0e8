import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killed, serverEnv, startServer } from '../child-server.ts';
import { freshPgDatabase, type FreshPgDatabase } from '../pg/database.ts';
import { startResendStub, type ResendStub } from '../stubs/resend-stub.ts';
import { startTwilioStub, type TwilioStub } from '../stubs/twilio-stub.ts';

/**
 * Several real server processes on one PostgreSQL database, as a deployment
 * runs them behind a load balancer, with one Resend and one Twilio stub as the
 * providers' single accounts. A replica can be SIGKILLed and started again on
 * the same environment while the others keep serving.
 */

export const TWILIO_SID = 'AC00000000000000000000000000000018';
const TWILIO_TOKEN = 'replicas-twilio-token';

/** A replica's start, generous: on a loaded machine tsx alone can take most of the default 20 s. */
const STARTUP_MS = 90_000;

/** Resend's own limit for one team; every replica sends on the same key, so the fleet shares it. */
export const RESEND_RPS = 2;

export interface Replica {
  env: Record<string, string>;
  base: string;
  /** Null while it is down (killed and not yet back). */
  child: ChildProcess | null;
  /** A restart under way, so two kills of the same replica do not start two processes. */
  starting: Promise<void> | null;
}

export interface Fleet {
  pg: FreshPgDatabase;
  resend: ResendStub;
  twilio: TwilioStub;
  replicas: Replica[];
  /** Rows of one SQL text ($1… parameters), read from the test's own pool. */
  rows<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** A replica that is up, picked by `pick` (any integer); the first up one when none matches. */
  up(pick: number): Replica;
  /** SIGKILL, then start it again on the same environment, in the background. */
  crash(replica: Replica): Promise<void>;
  /** Every replica up again. */
  whole(): Promise<void>;
  kills: number;
  close(): Promise<void>;
}

/** Each replica's environment: the same database, stubs and durations, its own port and public URL. */
async function replicaEnv(dbUrl: string, resend: ResendStub, twilio: TwilioStub, dir: string, i: number) {
  return serverEnv(join(dir, `unused-${i}.db`), resend.url, {
    DATABASE_URL: dbUrl,
    RESEND_RPS: String(RESEND_RPS),
    TWILIO_ACCOUNT_SID: TWILIO_SID,
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    TWILIO_FROM: '+14155550100',
    TWILIO_API_URL: twilio.url,
    // The stub has no limit of its own; a few a second keeps a schedule's texts from outlasting it.
    TWILIO_MPS: '10',
    WAITLINE_RATE_PER_EMAIL: '0',
  });
}

export async function startFleet(size: number): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), 'waitline-replicas-'));
  const pg = await freshPgDatabase();
  const resend = await startResendStub({ rps: RESEND_RPS });
  const twilio = await startTwilioStub({ authToken: TWILIO_TOKEN });
  const envs = await Promise.all(Array.from({ length: size }, (_, i) => replicaEnv(pg.url, resend, twilio, dir, i)));
  const boot = async (env: Record<string, string>): Promise<Replica> => ({ env, base: `http://127.0.0.1:${env.PORT}`, child: await startServer(env, STARTUP_MS), starting: null });
  // The first alone, so the others find the database migrated; then the rest side by side.
  const replicas: Replica[] = [await boot(envs[0]!)];
  replicas.push(...(await Promise.all(envs.slice(1).map(boot))));

  const fleet: Fleet = {
    pg,
    resend,
    twilio,
    replicas,
    kills: 0,
    async rows<T>(text: string, params: unknown[] = []) {
      return (await pg.db.$client.query(text, params)).rows as T[];
    },
    up(pick) {
      const alive = replicas.filter((r) => r.child);
      if (alive.length === 0) throw new Error('no replica is up');
      return alive[Math.abs(pick) % alive.length]!;
    },
    async crash(replica) {
      // The fleet must keep serving: never take the last one down.
      if (!replica.child || replicas.filter((r) => r.child).length < 2) return;
      const child = replica.child;
      replica.child = null;
      fleet.kills += 1;
      await killed(child);
      replica.starting = startServer(replica.env, STARTUP_MS).then(
        (c) => {
          replica.child = c;
          replica.starting = null;
        },
        // Kept for whole(), which the test awaits: a replica that cannot come back fails the run there.
        (error: unknown) => {
          replica.starting = Promise.reject(error);
          void replica.starting.catch(() => {});
        },
      );
    },
    async whole() {
      await Promise.all(replicas.map((r) => r.starting));
    },
    async close() {
      await Promise.allSettled(replicas.map((r) => r.starting));
      await Promise.all(replicas.map((r) => (r.child ? killed(r.child) : undefined)));
      await Promise.all([resend.close(), twilio.close()]);
      await pg.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fleet;
}
