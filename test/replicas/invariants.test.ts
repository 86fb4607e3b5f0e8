import { describe, expect, test } from 'vitest';
import type { ResendStub } from '../stubs/resend-stub.ts';
import type { TwilioStub } from '../stubs/twilio-stub.ts';
import { exactlyOnce, fifoFair, noSelfCaused429, placesInOrder, unitsBalance, type Rows } from './invariants.ts';

/**
 * The harness's checks must be able to fail: each is fed rows with the
 * violation issue 18 describes (as a query on the real database would return
 * them) and must name it, and rows without it must pass.
 */

/** Answers each query by the first table its text reads from. */
const fakeRows = (tables: Record<string, unknown[]>): Rows =>
  (async (text: string) => {
    const table = Object.keys(tables).find((t) => new RegExp(`from ${t}\\b`).test(text));
    return (table ? tables[table] : []) as never[];
  }) as Rows;

const place = (id: number, seq: number, status: string, extra: Record<string, unknown> = {}) => ({
  id: String(id), variant_id: 'v0', seq: String(seq), quantity: '1', status, updated_at: '1000', token: `t${id}`, ...extra,
});
const offer = (id: number, signupId: number, status: string, createdAt: number, resolvedAt: number | null = null) => ({
  id: String(id), signup_id: String(signupId), units: '1', status, created_at: String(createdAt), resolved_at: resolvedAt === null ? null : String(resolvedAt),
});

describe('fifoFair', () => {
  test('an offer past someone still waiting ahead is named', async () => {
    const rows = fakeRows({ signups: [place(1, 1, 'waiting'), place(2, 2, 'offered')], offers: [offer(10, 2, 'active', 5000)] });
    expect(await fifoFair(rows, 's')).toEqual([expect.stringContaining('offer 10 to place 2 while place 1')]);
  });

  test('the head offered first, a place that left, and a place too big for the round are not', async () => {
    const rows = fakeRows({
      signups: [place(1, 1, 'expired'), place(2, 2, 'cancelled', { updated_at: '100' }), place(3, 3, 'waiting', { quantity: '2' }), place(4, 4, 'offered')],
      offers: [offer(10, 1, 'expired', 50, 1050), offer(11, 4, 'active', 2000)],
    });
    expect(await fifoFair(rows, 's')).toEqual([]);
  });

  test('a place bought without a hold (an order from its contact) has left the line', async () => {
    const rows = fakeRows({ signups: [place(1, 1, 'purchased', { updated_at: '100' }), place(2, 2, 'offered')], offers: [offer(10, 2, 'active', 5000)] });
    expect(await fifoFair(rows, 's')).toEqual([]);
  });

  test('a hold withdrawn before a later offer puts its place back in line', async () => {
    const rows = fakeRows({
      signups: [place(1, 1, 'waiting'), place(2, 2, 'offered')],
      offers: [offer(10, 1, 'cancelled', 100, 200), offer(11, 2, 'active', 300)],
    });
    expect(await fifoFair(rows, 's')).toHaveLength(1);
  });
});

describe('placesInOrder', () => {
  const answered = [
    { token: 't1', email: 'a', variant: 'v0', sentAt: 0, answeredAt: 10 },
    { token: 't2', email: 'b', variant: 'v0', sentAt: 20, answeredAt: 30 },
  ];
  test('shared places (max(seq)+1 raced) are named', async () => {
    const rows = fakeRows({ signups: [{ total: '2', distinct: '1', max: '1', min: '1', token: 't1', seq: '1' }, { token: 't2', seq: '1' }] });
    expect((await placesInOrder(rows, 's', answered)).join('\n')).toMatch(/2 rows, 1 distinct seq[\s\S]*answered before b asked/);
  });
});

describe('unitsBalance', () => {
  test('a lost restock and a double sale are named; an unsure restock may count', async () => {
    const orders = [{ id: 'o1', lines: JSON.stringify([{ variantId: 'v0', quantity: 1, fromHold: 0 }]) }];
    const lost = fakeRows({ orders, variants: [{ id: 'v0', inventory: '1', owed: '0', bought: '0' }] });
    expect(await unitsBalance(lost, 's', new Map([['v0', 5]]), new Map(), new Set(['o1']))).toEqual([expect.stringContaining('inventory 1, restocked 5')]);
    const unsure = fakeRows({ orders, variants: [{ id: 'v0', inventory: '6', owed: '0', bought: '0' }] });
    expect(await unitsBalance(unsure, 's', new Map([['v0', 5]]), new Map([['v0', [2]]]), new Set(['o1']))).toEqual([]);
    const owedWrong = fakeRows({ orders, variants: [{ id: 'v0', inventory: '-1', owed: '0', bought: '0' }] });
    expect(await unitsBalance(owedWrong, 's', new Map(), new Map(), new Set(['o1']))).toEqual([expect.stringContaining('backorders owe 0')]);
  });
});

describe('exactlyOnce', () => {
  const email = (to: string, key: string) => ({ method: 'POST', path: '/emails/batch', headers: { 'idempotency-key': key }, body: [{ to: [to], subject: 'Hi', text: 'Your place' }] });
  const resend = (keys: string[]) =>
    ({ requests: keys.map((k) => email('a@x.example', k)), deliveries: new Map(keys.map((k) => [`${k}|a@x.example`, 1])), count429: 0 }) as unknown as ResendStub;
  const twilio = { messages: [] } as unknown as TwilioStub;
  const rows = fakeRows({ messages: [{ channel: 'email', to: 'a@x.example', subject: 'Hi', text: 'Your place', status: 'sent' }] });

  test('one event sent under two batch keys is named', async () => {
    expect(await exactlyOnce(rows, 's', resend(['b1', 'b2']), twilio)).toEqual([expect.stringContaining('sent 2, recorded 1')]);
  });
  test('a replay under the same key is one delivery', async () => {
    expect(await exactlyOnce(rows, 's', resend(['b1', 'b1']), twilio)).toEqual([]);
  });
  test('429s are counted', () => {
    expect(noSelfCaused429({ count429: 3 } as ResendStub)).toHaveLength(1);
  });
});
