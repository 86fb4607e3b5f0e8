import { configBench } from './config.ts';
import { connectBench } from './connect.ts';
import { emailsBench } from './emails.ts';
import { etaBench } from './eta.ts';
import { fanoutBench } from './fanout.ts';
import { jobsBench } from './jobs.ts';
import { analyticsBench } from './analytics.ts';
import { replicasBench } from './replicas.ts';
import { restockBench } from './restock.ts';
import { signupThroughput } from './signup.ts';
import { soakBench } from './soak.ts';
import { wakeBench } from './wake.ts';
import { widgetSize } from './widget-size.ts';
import { widgetTime } from './widget-time.ts';

/** `--csv FILE` scores the ETA prediction on a merchant's own purchase-order history (`npm run bench eta -- --csv FILE`). */
const args = process.argv.slice(2);
const csvAt = args.indexOf('--csv');
const csv = csvAt >= 0 ? args[csvAt + 1] : undefined;

/** `npm run bench [name…]`: each benchmark prints its figure beside its budget (SPEC §7). */
const benches: Record<string, () => string | Promise<string>> = {
  widget: async () => `${widgetSize()}\n${await widgetTime()}`,
  signup: signupThroughput,
  config: configBench,
  soak: soakBench,
  restock: restockBench,
  eta: () => etaBench(csv),
  analytics: analyticsBench,
  fanout: fanoutBench,
  wake: wakeBench,
  jobs: jobsBench,
  replicas: replicasBench,
  connect: connectBench,
  emails: emailsBench,
};

export async function runBenches(chosen: string[]): Promise<void> {
  for (const name of chosen.length ? chosen : Object.keys(benches)) {
    const run = benches[name];
    if (!run) {
      console.error(`unknown benchmark "${name}"; choose from ${Object.keys(benches).join(', ')}`);
      process.exit(2);
    }
    console.log(await run());
  }
}

// Run directly (`npm run bench`), not imported by bench/with-postgres.ts.
if (process.argv[1]?.endsWith('bench/index.ts')) await runBenches(args.filter((a, i) => a !== '--csv' && (csvAt < 0 || i !== csvAt + 1)));
