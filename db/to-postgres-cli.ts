import { parseArgs } from 'node:util';
import { connectPg } from './pg.ts';
import { copySqliteToPg, formatCounts } from './to-postgres.ts';

/**
 * `npm run migrate:to-postgres -- --from data/waitline.db --to postgres://…`:
 * copies a SQLite database into an empty PostgreSQL one (db/to-postgres.ts),
 * prints the row counts of both, and exits 1 with one line when it copied nothing.
 */
async function main(): Promise<number> {
  let from: string | undefined;
  let to: string | undefined;
  try {
    ({ from, to } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } }).values);
  } catch (error) {
    console.error((error as Error).message);
  }
  if (!from || !to) {
    console.error('Usage: npm run migrate:to-postgres -- --from data/waitline.db --to postgres://user:password@host:5432/database');
    return 1;
  }
  const began = performance.now();
  let db;
  try {
    db = await connectPg(to);
    const counts = await copySqliteToPg(from, db);
    const rows = counts.reduce((sum, c) => sum + c.target, 0);
    console.log(formatCounts(counts));
    console.log(`Copied ${rows} rows of ${counts.length} tables from ${from} in ${((performance.now() - began) / 1000).toFixed(1)} s; every count matches.`);
    return 0;
  } catch (error) {
    console.error(`Nothing was copied. ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await db?.$client.end();
  }
}

process.exitCode = await main();
