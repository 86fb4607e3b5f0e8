import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, secretKeyPath } from '../../server/config.ts';
import { keptSecretKey, parseSecretKey, sealer } from '../../server/lib/secrets.ts';
import { serverEnv } from '../child-server.ts';

const KEY = Buffer.alloc(32, 7);
const OTHER = Buffer.alloc(32, 8);
const CREDENTIALS = { accessToken: 'shpat_0123456789abcdef', clientSecret: 'shpss_é✓', scopes: ['read_products'] };

describe('sealer', () => {
  it('opens what it sealed, and seals the same value differently each time (a fresh IV)', () => {
    const box = sealer(KEY);
    const a = box.seal(CREDENTIALS);
    const b = box.seal(CREDENTIALS);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('shpat_');
    expect(box.open(a)).toEqual(CREDENTIALS);
    expect(box.open(b)).toEqual(CREDENTIALS);
  });

  it('refuses to open with another key, never returning garbage', () => {
    const sealed = sealer(KEY).seal(CREDENTIALS);
    expect(() => sealer(OTHER).open(sealed)).toThrow(/WAITLINE_SECRET_KEY is not the key it was sealed with, or the value was altered/);
  });

  const tampered: Array<[string, (sealed: string) => string]> = [
    ['a changed ciphertext byte', (s) => s.slice(0, -2) + (s.at(-2) === 'A' ? 'B' : 'A') + s.at(-1)],
    ['a changed tag', (s) => s.split('.').map((p, i) => (i === 2 ? Buffer.alloc(16, 1).toString('base64url') : p)).join('.')],
    ['another IV', (s) => s.split('.').map((p, i) => (i === 1 ? Buffer.alloc(12, 1).toString('base64url') : p)).join('.')],
  ];
  it.each(tampered)('refuses %s', (_name, change) => {
    const box = sealer(KEY);
    expect(() => box.open(change(box.seal(CREDENTIALS)))).toThrow(/could not be opened/);
  });

  it.each(['', 'plain text', 'v2.a.b.c', 'v1.a.b', 'v1.AAAA.AAAA.AAAA', `v1.${'A'.repeat(16)}.${'A'.repeat(22)}.AAAA.extra`])('refuses %j as not sealed', (text) => {
    expect(() => sealer(KEY).open(text)).toThrow(/Not a sealed value/);
  });

  it('takes only a 32-byte key', () => {
    expect(() => sealer(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});

describe('WAITLINE_SECRET_KEY', () => {
  const hex = KEY.toString('hex');
  it.each([
    ['base64', KEY.toString('base64')],
    ['base64url', KEY.toString('base64url')],
    ['hex', hex],
    ['hex in capitals', hex.toUpperCase()],
  ])('reads %s', (_form, text) => {
    expect(parseSecretKey(text)).toEqual(KEY);
    const config = loadConfig({ WAITLINE_SECRET_KEY: text, NODE_ENV: 'production' });
    expect(config.secretKey).toEqual(KEY);
    expect(config.secretKeyGenerated).toBe(false);
  });

  it.each([
    ['too short', Buffer.alloc(16).toString('base64')],
    ['too long', Buffer.alloc(33).toString('base64')],
    ['63 hex characters', hex.slice(1)],
    ['a pass phrase', 'correct horse battery staple'],
  ])('refuses a key that is %s, naming the variable and the form', (_why, text) => {
    expect(parseSecretKey(text)).toBeNull();
    expect(() => loadConfig({ WAITLINE_SECRET_KEY: text })).toThrow(/WAITLINE_SECRET_KEY must be 32 bytes as base64 or base64url, or 64 hex characters/);
  });

  it('is required in production, saying how to make one', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/WAITLINE_SECRET_KEY is required in production.*openssl rand -base64 32/);
  });

  it('is generated for the run in development, for the server start to keep beside the database', () => {
    const config = loadConfig({ WAITLINE_DB: '/srv/waitline/data/main.db' });
    expect(config.secretKeyGenerated).toBe(true);
    expect(config.secretKey).toHaveLength(32);
    expect(secretKeyPath(config)).toBe('/srv/waitline/data/secret.key');
  });
});

describe('the development key file', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is made once (mode 0600, in a new directory), then read back on every later start', () => {
    dir = mkdtempSync(join(tmpdir(), 'waitline-key-'));
    const path = join(dir, 'data', 'secret.key');
    const made = keptSecretKey(path);
    expect(made.created).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(parseSecretKey(readFileSync(path, 'utf8'))).toEqual(made.key);

    const again = keptSecretKey(path);
    expect(again).toEqual({ key: made.key, created: false });
    // What the first run sealed, the second opens.
    expect(sealer(again.key).open(sealer(made.key).seal(CREDENTIALS))).toEqual(CREDENTIALS);
  });

  it('that holds no key stops the start, naming the file', () => {
    dir = mkdtempSync(join(tmpdir(), 'waitline-key-'));
    const path = join(dir, 'secret.key');
    writeFileSync(path, 'not a key\n');
    expect(() => keptSecretKey(path)).toThrow(`${path} does not hold a secret key`);
  });
});

/** `npm start` without WAITLINE_SECRET_KEY: its output until it is ready (then SIGTERM) or until it exits. */
function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { env: { ...process.env, ...env, WAITLINE_SECRET_KEY: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const read = (d: Buffer) => {
    output += d;
    if (/ready in \d+ ms/.test(output)) child.kill('SIGTERM');
  };
  child.stdout!.on('data', read);
  child.stderr!.on('data', read);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

describe('the server start without WAITLINE_SECRET_KEY', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses production in one line that says how to make a key', async () => {
    dir = mkdtempSync(join(tmpdir(), 'waitline-key-'));
    const { code, output } = await start({ ...(await serverEnv(join(dir, 'w.db'), 'http://127.0.0.1:9')), NODE_ENV: 'production' });
    expect(code).toBe(1);
    expect(output.trim()).toBe(
      'Waitline cannot start: WAITLINE_SECRET_KEY is required in production: it seals store credentials at rest. Make one with `openssl rand -base64 32` and keep it safe',
    );
  });

  it('in development makes one beside the database, prints it once, and reads it back on the next start', { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'waitline-key-'));
    const env = await serverEnv(join(dir, 'data', 'w.db'), 'http://127.0.0.1:9', { RESEND_API_KEY: '' });
    const first = await start(env);
    const path = join(dir, 'data', 'secret.key');
    const kept = parseSecretKey(readFileSync(path, 'utf8'))!;
    expect(first.output).toContain(`WAITLINE_SECRET_KEY was not set; made one and kept it in ${path}: ${kept.toString('base64')}`);
    expect(first.output).toContain('set WAITLINE_SECRET_KEY in production');

    const second = await start(env);
    expect(second.output).toContain('ready in');
    expect(second.output).not.toContain('WAITLINE_SECRET_KEY');
    expect(parseSecretKey(readFileSync(path, 'utf8'))).toEqual(kept);
  });
});
