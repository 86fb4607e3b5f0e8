import { describe, expect, it } from 'vitest';
import { rowToken, token } from '../../server/lib/tokens.ts';

const LINK = /^[A-Za-z0-9_-]{10,64}$/;

describe('tokens', () => {
  it('row tokens made later sort later, so new rows land at the end of their index', () => {
    const start = Date.parse('2026-03-02T12:00:00Z');
    const made = Array.from({ length: 50 }, (_, i) => rowToken(new Date(start + i)));
    expect([...made].sort()).toEqual(made);
    // Far ahead, the prefix keeps its width, so the order still holds.
    const late = rowToken(new Date('2099-12-31T23:59:59Z'));
    expect(late.length).toBe(made[0]!.length);
    expect(late > made.at(-1)!).toBe(true);
  });

  it('keep the random part whole, and fit the link pattern the routes accept', () => {
    const at = new Date('2026-03-02T12:00:00Z');
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const t = rowToken(at);
      expect(t).toMatch(LINK);
      expect(t).toHaveLength(9 + token().length);
      seen.add(t);
    }
    // 128 random bits after the prefix: the same millisecond still gives no two alike.
    expect(seen.size).toBe(10_000);
    expect(rowToken(at, 12)).toHaveLength(9 + 16);
  });
});
