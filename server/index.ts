import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { loadConfig, secretKeyPath, type Config } from './config.ts';
import { keptSecretKey, sealer } from './lib/secrets.ts';
import { createDeps } from './deps.ts';
import { ensureDemoShop } from './demo/seed.ts';
import { shops } from '../db/schema/index.ts';
import { createScheduler } from './jobs/scheduler.ts';
import { createWake } from './jobs/wake.ts';
import { startCheckpointer } from '../db/checkpointer.ts';
import { scheduleReconcile } from './services/reconcile.ts';
import { scheduleLapseSweep } from './services/signups/lapse.ts';
import { scheduleLateEtaCheck } from './services/purchase-orders/late.ts';
import { scheduleRetentionSweep } from './services/retention/sweep.ts';
import { scheduleSendLimitsPrune } from './services/messages/prune-limits.ts';
import { sightingsWritten } from './services/storefront/sightings.ts';

const started = performance.now();
/** NODE_ENV=production: no demo shop by default (server/config.ts), and nothing secret in the output. */
const production = process.env.NODE_ENV === 'production';
// A bad setting, PostgreSQL unreachable (or a migration that failed): one clear line, and exit 1 for the supervisor.
function cannotStart(error: unknown): never {
  console.error(`Waitline cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
const startLines: string[] = [];
const config = loadedConfig();
const deps = await createDeps(config).catch(cannotStart);
// Only once the database opened, so a start that fails leaves no key file behind.
if (config.secretKeyGenerated) {
  config.secretKey = keepSecretKey(config);
  deps.secrets = sealer(config.secretKey);
}
// SQLite only: keeps the WAL file from growing under a steady stream of readers.
const checkpointer = deps.engine === 'sqlite' ? startCheckpointer(deps.db, config.dbPath, deps.log) : null;
const scheduler = createScheduler(deps);
// New messages go out soon after their transaction commits, not at the next tick, on whichever
// replica can send them: on PostgreSQL a wake here wakes the others too (server/jobs/wake.ts).
const wake = createWake(deps, () => scheduler.tick());
deps.wake = wake.wake;

// Webhooks get lost: a reconciliation pass re-reads platform stock on a schedule.
await scheduleReconcile(deps);
// signupTtl: old signups are asked "still interested?", then lapse.
await scheduleLapseSweep(deps);
// A shipment that does not come moves its ETA (and tells the customers waiting on it).
await scheduleLateEtaCheck(deps);
// WAITLINE_RETENTION_DAYS: old webhook payloads and customers' replies are deleted.
await scheduleRetentionSweep(deps);
// The SMS budget and email cap counters are kept for their hour and day only.
await scheduleSendLimitsPrune(deps);

const app = createApp(deps);
const server = serve({ fetch: app.fetch, port: config.port }, async () => {
  const lines = [
    `Waitline listening on ${config.publicUrl} (port ${config.port}, ${deps.engine === 'pg' ? 'PostgreSQL' : 'SQLite'} ${deps.where})`,
    `  email: ${deps.transports.email.name}, sms: ${deps.transports.sms.name}`,
  ];
  if (config.adminTokenGenerated) {
    lines.push(
      production
        ? '  WAITLINE_ADMIN_TOKEN is not set: no shop can be created until it is (set it, then restart)'
        : `  WAITLINE_ADMIN_TOKEN was not set; for this run it is ${config.adminToken}`,
    );
  }
  if (production && !config.publicUrl.startsWith('https://')) {
    lines.push(`  PUBLIC_URL is ${config.publicUrl}: set it to the public https address, the base of every link customers get`);
  }
  lines.push(...startLines);
  if (config.demo) {
    const { keys, created } = await ensureDemoShop(deps);
    // Production prints no secret, even for a demo shop someone turned on there.
    const secretKey = production ? null : keys.secretKey;
    lines.push(
      `  demo store ${created ? 'created' : 'ready'}: ${config.publicUrl}/demo`,
      `  demo publishable key: ${keys.publishableKey}`,
      secretKey ? `  demo secret key:      ${secretKey}` : '  demo secret key: shown when the demo shop was created',
      ...(secretKey ? [`  dashboard (one click): ${config.publicUrl}/admin#key=${secretKey}`] : [`  dashboard: ${config.publicUrl}/admin`]),
    );
  } else if ((await deps.db.select({ id: shops.id }).from(shops).limit(1)).length === 0) {
    lines.push(...firstShopGuide(config.publicUrl));
  }
  lines.push(`  ready in ${Math.round(performance.now() - started)} ms`);
  console.log(lines.join('\n'));
  scheduler.start();
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing the current round, then stopping`);
  server.close();
  wake.stop();
  await scheduler.stop();
  await checkpointer?.stop();
  await sightingsWritten();
  await deps.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

function loadedConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    return cannotStart(error);
  }
}

/**
 * Development without WAITLINE_SECRET_KEY: the key sealing store credentials
 * is kept in a file beside the database, so a restart still opens them. It is
 * printed once, when made, for the operator to carry to production.
 */
function keepSecretKey(loaded: Config): Buffer {
  const path = secretKeyPath(loaded);
  try {
    const { key, created } = keptSecretKey(path);
    if (created) {
      startLines.push(
        `  WAITLINE_SECRET_KEY was not set; made one and kept it in ${path}: ${key.toString('base64')}`,
        '  set WAITLINE_SECRET_KEY in production (it is required there): store credentials are sealed with it',
      );
    }
    return key;
  } catch (error) {
    return cannotStart(error);
  }
}

/**
 * The first start with no shop: how the operator makes one, in the dashboard
 * (its sign-in page creates a shop with the root token) or with curl.
 */
function firstShopGuide(publicUrl: string): string[] {
  return [
    '  no shop yet: create the first with the root token (WAITLINE_ADMIN_TOKEN):',
    `    in the dashboard: ${publicUrl}/admin, "Create a shop with the root token" (its secret key is shown once: keep it)`,
    `    or: curl -X POST ${publicUrl}/v1/shops -H "authorization: Bearer $WAITLINE_ADMIN_TOKEN" -H 'content-type: application/json' -d '{"name":"My Shop"}'`,
  ];
}
