import { sql, type SQL } from 'drizzle-orm';
import fc from 'fast-check';
import { engineOf } from '../../db/engine.ts';
import { rows } from '../../db/raw.ts';
import type { TestEnv } from '../helpers.ts';

/**
 * The fuzz runner. FUZZ_RUNS is the request budget of the whole fuzz suite
 * (default 10,000); each property takes its share. FC_SEED reproduces a run.
 */
// PROPERTY_SCALE: the `services-pg` project runs a share of the budget (vite.config.ts).
export const BUDGET = Number(process.env.FUZZ_RUNS ?? 10_000) * Number(process.env.PROPERTY_SCALE ?? 1);
export const SEED = Number(process.env.FC_SEED ?? 20260302);
export const share = (atDefault: number) => Math.max(1, Math.round((atDefault * BUDGET) / 10_000));

export interface Req {
  method: string;
  path: string;
  headers?: Array<[string, string]>;
  body?: string;
}

export interface Answer {
  status: number;
  text: string;
  type: string;
}

/** Every table's row count: a rejected request must leave all of them as they were. One query, one round trip. */
export async function snapshot(t: TestEnv): Promise<Record<string, number>> {
  let counting = countingQueries.get(t.deps.db);
  if (!counting) {
    const listed =
      engineOf(t.deps.db) === 'sqlite'
        ? sql`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name`
        : sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like '__drizzle%' order by table_name`;
    const tables = (await rows<{ name: string }>(t.deps.db, listed)).map((r) => r.name);
    counting = sql`select ${sql.join(
      tables.map((name) => sql`(select count(*) from ${sql.identifier(name)}) as ${sql.identifier(name)}`),
      sql`, `,
    )}`;
    countingQueries.set(t.deps.db, counting);
  }
  const counts = (await rows<Record<string, number>>(t.deps.db, counting))[0]!;
  return Object.fromEntries(Object.entries(counts).map(([name, n]) => [name, Number(n)]));
}
const countingQueries = new WeakMap<object, SQL>();

/** A request as a reviewer can replay it: long bodies cut, odd characters escaped. */
export function describeReq(req: Req): string {
  const body = req.body === undefined ? '' : ` body(${req.body.length})=${JSON.stringify(req.body.slice(0, 300))}`;
  return `${req.method} ${req.path.slice(0, 500)} headers=${JSON.stringify(req.headers ?? [])}${body}`;
}

const counts = new Map<string, number>();
/** Answers by status class per group: a fuzzer whose every request is a 400 tests only the validator. */
const classes = new Map<string, Record<string, number>>();
export const requestCounts = () => counts;

/**
 * Sends one request and checks the invariants every answer must keep: no 5xx;
 * a 4xx in JSON has the error shape; a 4xx changed no row; an HTML page
 * reflects no markup. Throws with the request, so fast-check reports it.
 */
export async function fire(t: TestEnv, group: string, req: Req): Promise<Answer> {
  counts.set(group, (counts.get(group) ?? 0) + 1);
  const before = await snapshot(t);
  const headers = new Headers();
  for (const [name, value] of req.headers ?? []) headers.append(name, value);
  const res = await t.app.request(req.path, { method: req.method, headers, body: req.body });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  const tally = classes.get(group) ?? {};
  const cls = `${String(res.status)[0]}xx`;
  tally[cls] = (tally[cls] ?? 0) + 1;
  classes.set(group, tally);
  const fail = (why: string) => new Error(`${why}\n  request: ${describeReq(req)}\n  answer: ${res.status} ${type} ${text.slice(0, 500)}\n  seed: FC_SEED=${SEED}`);
  if (res.status >= 500) throw fail(`a ${res.status}`);
  if (res.status >= 400) {
    // HEAD answers carry the GET's headers and no body.
    if (type.includes('json') && req.method !== 'HEAD') {
      let body: any;
      try {
        body = JSON.parse(text);
      } catch {
        throw fail('a 4xx that says JSON and is not');
      }
      if (typeof body?.error?.code !== 'string' || typeof body?.error?.message !== 'string') throw fail('a 4xx without the {error:{code,message}} shape');
      if (/\bat \S+ \(|node_modules|\.ts:\d+/.test(text)) throw fail('a stack trace in an error');
    }
    const after = await snapshot(t);
    const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
    if (changed.length) throw fail(`a rejected request changed rows in ${changed.join(', ')}`);
  }
  if (type.includes('text/html') && /<script|onerror=|onload=|javascript:/i.test(text)) throw fail('markup reflected into a page');
  return { status: res.status, text, type };
}

/** Runs `runs` requests drawn from `arb` through `fire`, seeded. */
export async function fuzz(t: TestEnv, group: string, runs: number, arb: fc.Arbitrary<Req>, check?: (req: Req, answer: Answer) => void, prepare: (req: Req) => Req = (r) => r) {
  await fc.assert(
    fc.asyncProperty(arb, async (drawn) => {
      const req = prepare(drawn);
      const answer = await fire(t, group, req);
      check?.(req, answer);
    }),
    { numRuns: runs, seed: SEED, endOnFailure: true },
  );
}

/** Prints what each group sent, for the report and for whoever tunes FUZZ_RUNS. */
export function report(file: string, started: number) {
  const lines = [...counts].map(([g, n]) => `${g}=${n} ${JSON.stringify(classes.get(g))}`).join(' ');
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`fuzz ${file}: ${total} requests in ${Date.now() - started} ms (${lines}), FC_SEED=${SEED} FUZZ_RUNS=${BUDGET}`);
}
