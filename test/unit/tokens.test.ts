import { describe, expect, it, vi } from 'vitest';
import { rowToken, token } from '../../server/lib/tokens.ts';

const LINK = /^[A-Za-z0-9_-]{10,64}$/;

describe('tokens', () => {
  it('row tokens made later sort later, so new rows land at the end of their index', () => {
    vi.useFakeTimers({ now: new Date('2026-03-02T12:00:00Z'), toFake: ['Date'] });
    try {
      const made: string[] = [];
      for (let i = 0; i < 50; i++) {
        made.push(rowToken());
        vi.advanceTimersByTime(1);
      }
      expect([...made].sort()).toEqual(made);
      // Far ahead, the prefix keeps its width, so the order still holds.
      vi.setSystemTime(new Date('2099-12-31T23:59:59Z'));
      const late = rowToken();
      expect(late.length).toBe(made[0]!.length);
      expect(late > made.at(-1)!).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keep the random part whole, and fit the link pattern the routes accept', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const t = rowToken();
      expect(t).toMatch(LINK);
      expect(t).toHaveLength(9 + token().length);
      seen.add(t.slice(9));
    }
    // 128 random bits after the prefix: no two alike.
    expect(seen.size).toBe(10_000);
    expect(rowToken(12)).toHaveLength(9 + 16);
  });
});
