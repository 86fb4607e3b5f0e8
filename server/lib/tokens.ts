import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';

// Random bytes are drawn from the CSPRNG 4 KiB at a time: a call per token
// cost a signup three crossings into the crypto binding. Each byte is used once.
const pool = Buffer.alloc(4096);
let used = pool.length;

/** An unguessable URL-safe token (128 bits unless told otherwise). */
export function token(bytes = 16): string {
  if (bytes > pool.length) return randomFillSync(Buffer.alloc(bytes)).toString('base64url');
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += bytes;
  return pool.toString('base64url', used - bytes, used);
}

/**
 * A token that names a row (a signup, contact, offer, backorder or message
 * link): the same random part after a prefix of the time it was made, in
 * milliseconds, base 36. Random tokens land on a random page of their unique
 * index, so every insert dirtied a page of its own; tokens made together sort
 * together, so a group commit writes them to the index's last page, which it
 * writes anyway. That is three pages fewer per signup. The prefix tells when
 * the link was made, nothing that helps guess one.
 */
export function rowToken(at: Date, bytes = 16): string {
  return at.getTime().toString(36).padStart(9, '0') + token(bytes);
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
