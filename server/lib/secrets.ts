import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Seals values (store credentials) for keeping at rest, and opens them again with the same key. */
export interface Sealer {
  seal(value: unknown): string;
  open<T>(sealed: string): T;
}

/** The form of a sealed text: a version first, so a later key (or cipher) can be told from this one. */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRET_KEY_BYTES = 32;

/**
 * AES-256-GCM with a random 12-byte IV per seal: `v1.<iv>.<tag>.<ciphertext>`,
 * each part base64url. GCM's tag makes a wrong key or a changed byte fail to
 * open rather than yield garbage.
 */
export function sealer(key: Buffer): Sealer {
  if (key.length !== SECRET_KEY_BYTES) throw new Error(`A sealing key is ${SECRET_KEY_BYTES} bytes, got ${key.length}`);
  return {
    seal(value) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), body].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
    },
    open<T>(sealed: string): T {
      const [version, iv, tag, body, ...rest] = sealed.split('.');
      if (version !== VERSION || body === undefined || rest.length) throw new Error(`Not a sealed value (expected ${VERSION}.<iv>.<tag>.<ciphertext>)`);
      const ivBytes = Buffer.from(iv!, 'base64url');
      const tagBytes = Buffer.from(tag!, 'base64url');
      if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new Error('Not a sealed value (its IV or tag has the wrong length)');
      const decipher = createDecipheriv('aes-256-gcm', key, ivBytes);
      decipher.setAuthTag(tagBytes);
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
      } catch {
        throw new Error('A sealed value could not be opened: WAITLINE_SECRET_KEY is not the key it was sealed with, or the value was altered');
      }
      return JSON.parse(plain.toString('utf8')) as T;
    },
  };
}

/**
 * A key as written in WAITLINE_SECRET_KEY or the key file: 64 hex characters,
 * or 32 bytes in base64 or base64url (`openssl rand -base64 32`). Null for
 * anything else, so the caller names where it came from.
 */
export function parseSecretKey(text: string): Buffer | null {
  const raw = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(raw)) return null;
  const bytes = Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === SECRET_KEY_BYTES ? bytes : null;
}

/** A fresh key, written as WAITLINE_SECRET_KEY takes it. */
export const newSecretKey = (): Buffer => randomBytes(SECRET_KEY_BYTES);

/**
 * Development without WAITLINE_SECRET_KEY: the key lives in a file (mode 0600)
 * beside the SQLite database, so what was sealed still opens after a restart.
 * Made on the first start (`created`: print it once), read on the next ones.
 * `wx` creates it only if absent, so two processes starting together agree on
 * one key.
 */
export function keptSecretKey(path: string): { key: Buffer; created: boolean } {
  const fresh = newSecretKey();
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, `${fresh.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return { key: fresh, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = parseSecretKey(readFileSync(path, 'utf8'));
  if (!key) throw new Error(`${path} does not hold a secret key (32 bytes as base64, or 64 hex characters); remove it to make a new one, or set WAITLINE_SECRET_KEY`);
  return { key, created: false };
}
