import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../server/lib/duration.ts';
import { outsideQuietHours } from '../../server/lib/quiet-hours.ts';
import { backoffMs } from '../../server/lib/backoff.ts';

describe('parseDuration', () => {
  it.each([
    ['PT24H', 86_400_000],
    ['P7D', 604_800_000],
    ['PT30S', 30_000],
    ['PT1.5S', 1_500],
    ['P1W', 604_800_000],
    ['P1DT2H3M4S', 93_784_000],
  ])('%s → %i ms', (value, ms) => expect(parseDuration(value)).toBe(ms));

  it.each(['', 'P', 'PT', '24h', 'PT-1H', 'P1Y', 'PT1H ', 'xPT1H'])('rejects %j', (value) => expect(parseDuration(value)).toBeNull());
});

describe('outsideQuietHours', () => {
  const q = { start: '21:00', end: '08:00' };
  it.each([
    ['2026-03-02T20:59:00Z', 'UTC', '2026-03-02T20:59:00.000Z'],
    ['2026-03-02T21:00:00Z', 'UTC', '2026-03-03T08:00:00.000Z'],
    ['2026-03-03T03:15:30Z', 'UTC', '2026-03-03T08:00:00.000Z'],
    ['2026-03-03T08:00:00Z', 'UTC', '2026-03-03T08:00:00.000Z'],
    // 15:00 UTC is 22:00 in Tokyo: quiet until 08:00 Tokyo = 23:00 UTC.
    ['2026-03-02T15:00:00Z', 'Asia/Tokyo', '2026-03-02T23:00:00.000Z'],
    // New York in summer time (UTC−4): 01:30 UTC is 21:30 local.
    ['2026-07-02T01:30:00Z', 'America/New_York', '2026-07-02T12:00:00.000Z'],
  ])('%s in %s → %s', (at, tz, expected) => expect(outsideQuietHours(new Date(at), q, tz).toISOString()).toBe(expected));

  it('handles windows that do not wrap midnight, and none at all', () => {
    expect(outsideQuietHours(new Date('2026-03-02T13:00:00Z'), { start: '12:00', end: '14:00' }, 'UTC').toISOString()).toBe('2026-03-02T14:00:00.000Z');
    expect(outsideQuietHours(new Date('2026-03-02T23:00:00Z'), null, 'UTC').toISOString()).toBe('2026-03-02T23:00:00.000Z');
  });
});

describe('backoffMs', () => {
  it('doubles from one second and caps at an hour', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(30)).toBe(3_600_000);
  });
});
