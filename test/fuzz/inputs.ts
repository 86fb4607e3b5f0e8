import fc from 'fast-check';

/**
 * Hostile inputs shared by the fuzz files. Markup is what a page or email must
 * never reflect raw; the rest is what tends to break parsers, validators and
 * SQLite bindings (lone surrogates, NUL, huge strings, prototype keys).
 */
export const MARKUP = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg onload=alert(1)>",
  '<a href="javascript:alert(1)">x</a>',
  '{{constructor.constructor("alert(1)")()}}',
  '${process.exit(1)}',
  '<!--',
  ']]><x>',
] as const;

export const ODD = [
  '',
  ' ',
  '\u0000',
  '\uD800',
  'a\uDC00b',
  '\u202Eevil\u202C',
  'gpj\u2066.exe\u2069\u200F\u061C',
  'zero\u200Bwidth\uFEFF',
  'مرحبا بالعالم',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'e\u0301\u0301\u0301',
  '\r\nX-Injected: 1',
  '%00%ZZ%',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'null',
  'NaN',
  '-1',
  '1e309',
  '9007199254740993',
  "'; drop table signups; --",
] as const;

/** Sizes around the 32 KiB body limit (a 3-byte character makes a string three times its length in bytes). */
const huge = fc
  .record({ size: fc.constantFrom(300, 11_000, 32 * 1024 - 64, 32 * 1024 + 1, 70_000), char: fc.constantFrom('a', '<', 'é', '€', '😀') })
  .map(({ size, char }) => char.repeat(size));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<string>(...MARKUP, ...ODD) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom<string>(...MARKUP), fc.constantFrom<string>(...ODD)).map(([a, b]) => `${b}${a}${b}`) },
  { weight: 1, arbitrary: huge },
);

/** Any JSON value, with hostile strings and numbers at the edges. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e21, -1e21, Number.MAX_SAFE_INTEGER + 2, [], {}, [null], { '': 1 }) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 4 }) },
);

/**
 * A body for a route: random JSON, or (more often, to get past the validator) a
 * valid example with one field replaced, removed or added.
 */
export function bodyFor(example: Record<string, unknown> | undefined): fc.Arbitrary<string | undefined> {
  const random = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
    fc.anything({ maxDepth: 3 }).map((v) => safeStringify(v)),
    hostileString,
    fc.constantFrom('{', '{"a":', '[1,2', 'null', '""', '{"__proto__":{"polluted":1}}', '{"a":1,"a":2}', '\uFEFF{}'),
  );
  if (!example) return fc.oneof({ weight: 3, arbitrary: random }, { weight: 1, arbitrary: fc.constant(undefined) });
  const keys = Object.keys(example);
  const mutated = fc
    .record({
      key: keys.length ? fc.constantFrom(...keys, '__proto__', 'extra') : fc.constant('extra'),
      how: fc.constantFrom('replace', 'replace', 'replace', 'drop', 'keep'),
      value: hostileValue,
    })
    .map(({ key, how, value }) => {
      const copy: Record<string, unknown> = { ...example };
      if (how === 'drop') delete copy[key];
      else if (how === 'replace') Object.defineProperty(copy, key, { value, enumerable: true });
      return JSON.stringify(copy);
    });
  return fc.oneof({ weight: 3, arbitrary: mutated }, { weight: 2, arbitrary: random }, { weight: 1, arbitrary: fc.constant(undefined) });
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? 'undefined';
  } catch {
    return String(v);
  }
}

/** X-Forwarded-For as a client or a broken proxy might send it: chains, blanks, junk, one header or two. */
export const forwardedFor: fc.Arbitrary<Array<[string, string]>> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Array<[string, string]>>([]) },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('', ' ', 'unknown', '::ffff:127.0.0.1', '[::1]:443'), hostileString.filter((s) => s.length < 100 && /^[\t\x20-\x7E\x80-\xFF]*$/.test(s))), { maxLength: 6 })
      .map((ips): Array<[string, string]> => [['x-forwarded-for', ips.join(', ')]]),
  },
  { weight: 1, arbitrary: fc.constantFrom<Array<[string, string]>>([['x-forwarded-for', ',,,']], [['x-forwarded-for', '1.2.3.4'], ['x-forwarded-for', '5.6.7.8']], [['x-forwarded-for', 'a,'.repeat(2000)]]) },
);

/** A path segment: URL-encoded hostile text, or raw odd characters (bad percent-encoding included). */
export const segment: fc.Arbitrary<string> = fc.oneof(
  hostileString.filter((s) => s.length < 2000).map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD')) || 'x'),
  fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%00', '..', '.', ';x', '%2F', 'a%2Fb', '%3Cscript%3E', '%22%3E%3Cimg%20onerror%3Dx%3E', '0', '-1', '1.5', '1e3', '99999999999999999999', ' ', '%20'),
  fc.stringMatching(/^[A-Za-z0-9_-]{10,64}$/),
);

/** A query string of random keys and values, sometimes naming the route's own parameters. */
export function queryFor(names: string[]): fc.Arbitrary<string> {
  const key = fc.oneof(fc.constantFrom(...names, 'key', 'cursor', 'limit', '__proto__'), hostileString.filter((s) => s.length < 100));
  const value = fc.oneof(hostileString.filter((s) => s.length < 5000), fc.constantFrom('0', '-1', '1', '500', '501', 'NaN', '1e999', '2026-13-45', '2026-03-02', '2026-03-02T00:00:00Z'));
  return fc
    .array(fc.tuple(key, value), { maxLength: 4 })
    .map((pairs) => {
      const q = pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
      return q ? `?${q}` : '';
    });
}

const enc = (s: string) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));

export const contentType = fc.constantFrom<string | undefined>(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  undefined,
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'text/csv',
  '*/*',
  'application/xml',
);
