/** Exponential backoff after the n-th failed attempt: 1 s, 2 s, 4 s … capped at an hour. */
export function backoffMs(attempt: number, baseMs = 1000, capMs = 3_600_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
