import fc from 'fast-check';
import { ROOT } from '../child-server.ts';
import type { Fleet } from './fleet.ts';

/**
 * What a schedule does, sent over HTTP to whichever replica its `replica`
 * number picks among those up. Commands run a few at a time, so requests to
 * different replicas overlap as a load balancer's would.
 */
export type Command =
  | { kind: 'signup'; replica: number; variant: number; person: number; phone: boolean; quantity: number }
  | { kind: 'restock'; replica: number; variant: number; units: number }
  | { kind: 'order'; replica: number; variant: number; person: number; quantity: number }
  | { kind: 'claim'; replica: number; place: number }
  | { kind: 'cancel'; replica: number; place: number }
  | { kind: 'burst'; replica: number; variant: number; people: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'kill'; replica: number };

export const VARIANTS = ['v0', 'v1', 'v2'];
/** Only this variant takes places of 2 units, so its line exercises "a signup that does not fit keeps its place". */
const PAIRS_VARIANT = 2;
const PEOPLE = 12;

const replica = fc.nat(30);
const variant = fc.nat(VARIANTS.length - 1);
const person = fc.nat(PEOPLE - 1);

export const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('signup' as const), replica, variant, person, phone: fc.boolean(), quantity: fc.constantFrom(1, 1, 2) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('restock' as const), replica, variant, units: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('order' as const), replica, variant, person, quantity: fc.integer({ min: 1, max: 2 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('claim' as const), replica, place: fc.nat(200) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), replica, place: fc.nat(200) }) },
  // A drop: new people at once on every replica, so each replica has confirmations to send in the same second.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('burst' as const), replica, variant, people: fc.integer({ min: 10, max: 40 }) }) },
  // Holds last about a second (shopSettings), so some waits outlast them: expiry and its cascade.
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 50, max: 1500 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('kill' as const), replica }) },
);

/** A shop whose holds end within the schedule, with texts at any hour and no follow-ups. */
export const shopSettings = { holdDuration: 'PT1S', followUpAfter: 'PT1H', quietHours: null, ranOutNoticeDepth: 20 };

/** A place the storefront answered 201, with when it was asked for and answered (the real-time order of places). */
export interface Answered {
  token: string;
  email: string;
  variant: string;
  sentAt: number;
  answeredAt: number;
}

/** What the client saw: the invariants hold the database against it. */
export interface RunLog {
  /** This schedule's number in the run: recipients are its own, as the stubs outlive one schedule. */
  run: number;
  shopId: string;
  sk: string;
  pk: string;
  places: Answered[];
  /** Per variant: restock units answered 200, and units whose request died with its replica (applied or not). */
  restocked: Map<string, number>;
  unsure: Map<string, number[]>;
  /** Orders answered (retried on another replica until they were), by id. */
  orders: Set<string>;
  /** Answers no command should get: 5xx, or a 4xx that means the harness is wrong. */
  unexpected: string[];
  /** Requests lost to a kill. */
  lost: number;
  /** People drawn by bursts so far: each burst's are new. */
  burst: number;
  /** `kind status` → how many, for the run's summary. */
  answers: Map<string, number>;
}

interface Reply {
  status: number;
  body: any;
}

/** One request to one replica; status 0 when the replica died under it (or was already gone). */
async function call(base: string, path: string, init: { method?: string; body?: unknown; token?: string } = {}): Promise<Reply> {
  try {
    const res = await fetch(`${base}${path}`, {
      method: init.method ?? 'GET',
      headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  } catch {
    return { status: 0, body: null };
  }
}

/** An idempotent request, sent again to another replica until one answers. */
async function untilAnswered(fleet: Fleet, pick: number, path: string, init: Parameters<typeof call>[2], log: RunLog): Promise<Reply> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const res = await call(fleet.up(pick + attempt).base, path, init);
    if (res.status !== 0) return res;
    log.lost += 1;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path}: no replica answered`);
}

/** A shop on the fleet with its variants, made through one replica. */
export async function newShop(fleet: Fleet, run: number): Promise<RunLog> {
  const base = fleet.up(0).base;
  const shop = await call(base, '/v1/shops', { method: 'POST', token: ROOT, body: { name: 'Replica Shop', settings: { sender: { email: 'shop@replicas.example' }, ...shopSettings } } });
  if (shop.status !== 201) throw new Error(`shop: ${JSON.stringify(shop.body)}`);
  const sk = shop.body.secretKey as string;
  for (const id of VARIANTS) {
    const put = await call(base, `/v1/admin/variants/${id}`, { method: 'PUT', token: sk, body: { productTitle: 'Tee', title: id, mode: 'waitlist', inventory: 0 } });
    if (put.status !== 200 && put.status !== 201) throw new Error(`variant: ${JSON.stringify(put.body)}`);
  }
  return {
    run,
    shopId: shop.body.shop.id,
    sk,
    pk: shop.body.publishableKey,
    places: [],
    restocked: new Map(),
    unsure: new Map(),
    orders: new Set(),
    unexpected: [],
    lost: 0,
    answers: new Map(),
    burst: 0,
  };
}

const email = (log: RunLog, p: number | string) => `p${p}-${log.shopId.toLowerCase().replace(/[^a-z0-9]/g, '')}@replicas.example`;
const phone = (log: RunLog, p: number) => `+1415555${String(1000 + log.run * PEOPLE + p).padStart(4, '0')}`;

let orderSeq = 0;

async function run(fleet: Fleet, log: RunLog, cmd: Command): Promise<void> {
  const expect = (what: string, res: Reply, ok: number[]) => {
    const key = `${what.split(' ')[0]} ${res.status}`;
    log.answers.set(key, (log.answers.get(key) ?? 0) + 1);
    if (res.status !== 0 && !ok.includes(res.status)) log.unexpected.push(`${what} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
  };
  switch (cmd.kind) {
    case 'signup': {
      const variantId = VARIANTS[cmd.variant]!;
      const body = {
        key: log.pk,
        variantId,
        email: email(log, cmd.person),
        ...(cmd.phone ? { phone: phone(log, cmd.person), smsConsent: true } : {}),
        quantity: cmd.variant === PAIRS_VARIANT ? cmd.quantity : 1,
      };
      const sentAt = Date.now();
      const res = await call(fleet.up(cmd.replica).base, '/v1/storefront/signups', { method: 'POST', body });
      const answeredAt = Date.now();
      if (res.status === 0) log.lost += 1;
      if (res.status === 201) log.places.push({ token: res.body.signup.token, email: body.email, variant: variantId, sentAt, answeredAt });
      return expect(`signup ${body.email} ${variantId}`, res, [200, 201]);
    }
    case 'burst': {
      const variantId = VARIANTS[cmd.variant]!;
      const first = log.burst;
      log.burst += cmd.people;
      await Promise.all(
        Array.from({ length: cmd.people }, async (_, i) => {
          const body = { key: log.pk, variantId, email: email(log, `b${first + i}`), quantity: 1 };
          const sentAt = Date.now();
          const res = await call(fleet.up(cmd.replica + i).base, '/v1/storefront/signups', { method: 'POST', body });
          if (res.status === 0) log.lost += 1;
          if (res.status === 201) log.places.push({ token: res.body.signup.token, email: body.email, variant: variantId, sentAt, answeredAt: Date.now() });
          expect(`signup ${body.email} ${variantId}`, res, [201]);
        }),
      );
      return;
    }
    case 'restock': {
      const variantId = VARIANTS[cmd.variant]!;
      const res = await call(fleet.up(cmd.replica).base, `/v1/admin/variants/${variantId}/inventory`, { method: 'POST', token: log.sk, body: { adjust: cmd.units } });
      // Not idempotent: a restock whose replica died may or may not have committed, and is not sent again.
      if (res.status === 200) log.restocked.set(variantId, (log.restocked.get(variantId) ?? 0) + cmd.units);
      if (res.status === 0) {
        log.lost += 1;
        log.unsure.set(variantId, [...(log.unsure.get(variantId) ?? []), cmd.units]);
      }
      return expect(`restock ${variantId}`, res, [200]);
    }
    case 'order': {
      const variantId = VARIANTS[cmd.variant]!;
      return order(fleet, log, cmd.replica, { variantId, quantity: cmd.quantity, email: email(log, cmd.person) });
    }
    case 'claim': {
      // A shopper who holds an offer follows its link: which ones do is read from the database, the claim goes through the API.
      const held = await fleet.rows<{ token: string }>(
        "select s.token from offers o join signups s on s.id = o.signup_id where o.shop_id = $1 and o.status = 'active' order by o.id",
        [log.shopId],
      );
      const place = log.places.find((p) => p.token === held[cmd.place % Math.max(1, held.length)]?.token);
      if (!place) return;
      const status = await untilAnswered(fleet, cmd.replica, `/v1/storefront/signups/${place.token}`, {}, log);
      expect('status', status, [200]);
      const claimUrl: string | undefined = status.body?.signup?.offer?.claimUrl;
      if (!claimUrl) return;
      const holdToken = claimUrl.slice(claimUrl.lastIndexOf('/') + 1);
      const quantity = place.variant === VARIANTS[PAIRS_VARIANT] ? await placeQuantity(fleet, place.token) : 1;
      return order(fleet, log, cmd.replica, { variantId: place.variant, quantity, email: place.email, holdToken });
    }
    case 'cancel': {
      const place = log.places[cmd.place % Math.max(1, log.places.length)];
      if (!place) return;
      const res = await untilAnswered(fleet, cmd.replica, `/v1/storefront/signups/${place.token}`, { method: 'DELETE' }, log);
      // 409: the place was bought already (its hold claimed, or an order from its contact).
      return expect('cancel', res, [200, 409]);
    }
    case 'wait':
      return new Promise((r) => setTimeout(r, cmd.ms));
    case 'kill':
      return fleet.crash(fleet.up(cmd.replica));
  }
}

async function placeQuantity(fleet: Fleet, token: string): Promise<number> {
  const [row] = await fleet.rows<{ quantity: string }>('select quantity from signups where token = $1', [token]);
  return Number(row?.quantity ?? 1);
}

/** An order, sent again (same id) until a replica answers: ingestion is idempotent by order id. */
async function order(fleet: Fleet, log: RunLog, pick: number, line: { variantId: string; quantity: number; email: string; holdToken?: string }) {
  const id = `o${++orderSeq}`;
  const body = {
    id,
    email: line.email,
    currency: 'USD',
    total: 2500 * line.quantity,
    lineItems: [{ variantId: line.variantId, quantity: line.quantity, price: 2500 }],
    ...(line.holdToken ? { holdToken: line.holdToken } : {}),
  };
  const res = await untilAnswered(fleet, pick, '/v1/admin/orders', { method: 'POST', token: log.sk, body }, log);
  const key = `${line.holdToken ? 'claim' : 'order'} ${res.status}`;
  log.answers.set(key, (log.answers.get(key) ?? 0) + 1);
  if (res.status === 200 || res.status === 201) log.orders.add(id);
  else log.unexpected.push(`order ${id} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
}

/** Runs the commands `width` at a time, in order of start. */
export async function runSchedule(fleet: Fleet, log: RunLog, commands: Command[], width = 4): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < commands.length) await run(fleet, log, commands[next++]!);
  };
  await Promise.all(Array.from({ length: width }, worker));
}
