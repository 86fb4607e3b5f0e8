import type { TestProject } from 'vitest/node';
import { migratePg, openPg } from '../../db/pg.ts';
import { startPgServer } from './server.ts';

/** The database migrated once per run, which each test file copies. */
export const TEMPLATE = 'waitline_template';

/**
 * The `pg` project's globalSetup (vite.config.ts): one PostgreSQL server per
 * run, and a template database migrated once, which each test file copies
 * (test/pg/database.ts). Vitest runs it only when a file of that project is in
 * the run, and the returned teardown stops the server and deletes its files
 * whether the tests passed or not.
 */
export default async function setup(project: TestProject) {
  const server = await startPgServer();
  const up = performance.now();
  try {
    const admin = openPg(`${server.url}postgres`, { max: 1 });
    await admin.$client.query(`create database ${TEMPLATE}`);
    await admin.$client.end();
    const template = openPg(`${server.url}${TEMPLATE}`, { max: 1 });
    await migratePg(template);
    // A template can only be copied while nobody is connected to it.
    await template.$client.end();
  } catch (error) {
    await server.stop();
    throw error;
  }
  const ready = performance.now();
  console.log(
    `PostgreSQL for tests on port ${server.port} as ${server.user} (${server.binaries}): ` +
      `initdb ${server.timings.initdbMs} ms, start ${server.timings.startMs} ms, template migrated ${Math.round(ready - up)} ms`,
  );
  project.provide('pgUrl', server.url);
  return () => server.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's PostgreSQL server, `postgres://…/` without a database. */
    pgUrl: string;
  }
}
