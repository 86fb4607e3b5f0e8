import { and, inArray, or } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { statementRows } from '../../../db/raw.ts';
import { contacts, signups, variants, ACTIVE_SIGNUP_STATUSES, type Contact, type Shop, type Signup, type Variant } from '../../../db/schema/index.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { Conflict, NotFound } from '../../lib/errors.ts';
import { rowToken } from '../../lib/tokens.ts';
import { newContact } from '../contacts/upsert.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { emitAll } from '../webhooks/outbound.ts';
import { confirmation, type SignupInput, type SignupResult } from './create.ts';
import { tailPositions } from './position.ts';

/**
 * Storefront signups on PostgreSQL, many in one transaction (SPEC §7, issue 18
 * point 5). One at a time, each signup holds its line's count row lock for about
 * ten round trips, so one line grows at a few hundred a second however many
 * replicas take it. Here the signups that arrive while one batch commits
 * form the next, and a batch costs about ten statements whatever its size:
 * each table is written by one multi-row statement, with no savepoint per
 * signup (db/sql/<engine>/signup-batch.ts).
 *
 * The common case is written together: a waitlist signup by a new contact, or
 * by a known one who asks for nothing, for a line they are not in. Anything
 * else (a place already held, a contact asking to change their phone, email or
 * opt-out, double opt-in, pre-orders with their limit, the same address twice
 * in one batch, a row another replica took meanwhile) runs after the batch
 * commits through createSignup, one transaction per signup, exactly as it
 * always did. A variant that is missing or off fails only its own request.
 * If the batch's transaction fails as a whole, nothing of it committed, and
 * each of its signups runs again on its own: none is lost or written twice.
 */
export function joinInBatch(deps: Deps, shop: Shop, input: SignupInput, alone: (input: SignupInput) => Promise<SignupResult>): Promise<SignupResult> {
  let batcher = batchers.get(deps);
  if (!batcher) batchers.set(deps, (batcher = new SignupBatcher(deps)));
  return batcher.submit({ shop, input, alone });
}

/** Batches formed so far, by this process's batcher for `deps`: how many, how many signups they took, the largest. */
export function signupBatchStats(deps: Deps): BatchStats {
  return { ...(batchers.get(deps)?.stats ?? { batches: 0, together: 0, largest: 0 }) };
}

export interface BatchStats {
  batches: number;
  /** Signups written by a batch's own statements (not the ones sent on alone). */
  together: number;
  largest: number;
}

/** The most signups in one transaction: enough that a burst is a handful of commits, few enough that a batch's JSON stays small. */
const MAX_BATCH = 500;

interface Item {
  shop: Shop;
  input: SignupInput;
  alone: (input: SignupInput) => Promise<SignupResult>;
}

interface Waiting extends Item {
  resolve: (result: SignupResult) => void;
  reject: (error: unknown) => void;
}

/** What a batch decided for one item: answered, refused, or left for createSignup. */
type Answer = { result: SignupResult } | { error: unknown } | 'alone';

const batchers = new WeakMap<Deps, SignupBatcher>();

class SignupBatcher {
  private queue: Waiting[] = [];
  private running = false;
  readonly stats: BatchStats = { batches: 0, together: 0, largest: 0 };

  constructor(private readonly deps: Deps) {}

  submit(item: Item): Promise<SignupResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...item, resolve, reject });
      if (this.running) return;
      this.running = true;
      // setImmediate runs after the poll phase: the requests read in this turn join the first batch.
      setImmediate(() => void this.drain());
    });
  }

  /** One batch at a time: while its transaction is out, the next gathers. */
  private async drain(): Promise<void> {
    while (this.queue.length > 0) await this.run(this.queue.splice(0, MAX_BATCH));
    this.running = false;
  }

  private async run(items: Waiting[]): Promise<void> {
    let answers: Answer[];
    try {
      answers = await transaction(this.deps.db, (tx) => writeTogether(this.deps, tx, items));
    } catch (error) {
      // Nothing of the batch committed: each signup is tried again the one-at-a-time way, which
      // answers its own error if it has one.
      this.deps.log('signup batch rolled back; its signups go one by one', { signups: items.length, error: String(error) });
      answers = items.map(() => 'alone');
    }
    let together = 0;
    for (const [i, item] of items.entries()) {
      const answer = answers[i]!;
      if (answer === 'alone') void item.alone(item.input).then(item.resolve, item.reject);
      else if ('error' in answer) item.reject(answer.error);
      else {
        together++;
        item.resolve(answer.result);
      }
    }
    this.stats.batches++;
    this.stats.together += together;
    this.stats.largest = Math.max(this.stats.largest, together);
    if (together > 0) this.deps.wake();
  }
}

/** A signup the batch writes: its item's index, and the contact it is for. */
interface Plan {
  index: number;
  item: Item;
  variant: Variant;
  contact: Contact;
  /** The contact was found, not made by this batch: it may already hold a place. */
  known: boolean;
  signup?: Signup;
  position?: number;
}

/**
 * The batch's body: what each item gets, by index. It may run again after a
 * deadlock (db/transaction.ts), so it keeps nothing outside its answer.
 * Locks in the one order (db/sql/pg/locks.ts): no variant row (pre-orders go
 * alone), then the queue_counts rows of every line the batch joins.
 */
async function writeTogether(deps: Deps, tx: Tx, items: Item[]): Promise<Answer[]> {
  const now = deps.clock.now();
  const answers: Answer[] = items.map(() => 'alone');
  const joinable = await joinableVariants(tx, items, answers);
  const plans = await contactsFor(tx, items, joinable, answers, now);
  await leaveOutHeldPlaces(tx, plans, answers);
  const written = await insertPlaces(tx, plans, answers, now);
  await tell(deps, tx, written, now);
  for (const plan of written) answers[plan.index] = { result: { signup: plan.signup!, position: plan.position!, created: true } };
  return answers;
}

/** Each item's variant, read in one query; a missing or closed one is its item's error, a pre-order goes alone. */
async function joinableVariants(tx: Tx, items: Item[], answers: Answer[]): Promise<Map<number, Variant>> {
  const shopIds = [...new Set(items.map((i) => i.shop.id))];
  const ids = [...new Set(items.map((i) => i.input.variantId))];
  const found = new Map((await tx.select().from(variants).where(and(inArray(variants.shopId, shopIds), inArray(variants.id, ids)))).map((v) => [`${v.shopId}\0${v.id}`, v]));
  const joinable = new Map<number, Variant>();
  for (const [index, item] of items.entries()) {
    const variant = found.get(`${item.shop.id}\0${item.input.variantId}`);
    if (!variant) answers[index] = { error: NotFound('Variant') };
    else if (variant.mode === 'off') answers[index] = { error: Conflict('This product is not taking waitlist or pre-order signups') };
    else if (variant.mode === 'waitlist') joinable.set(index, variant);
  }
  return joinable;
}

/**
 * The contact of each joinable item: found by email, else by phone, in one
 * query, as upsertContact finds it; the new ones inserted in one statement.
 * A known contact whose request would change or ask for anything, or who must
 * confirm first, goes alone, as does a second item for the same address,
 * number or contact (it will find the first one's place).
 */
async function contactsFor(tx: Tx, items: Item[], joinable: Map<number, Variant>, answers: Answer[], now: Date): Promise<Plan[]> {
  const known = await knownContacts(tx, items, [...joinable.keys()]);
  const taken = new Set<string>();
  const plans: Plan[] = [];
  const fresh: Array<{ plan: Plan; contact: Contact }> = [];
  for (const [index, variant] of joinable) {
    const item = items[index]!;
    const { shop, input } = item;
    const keys = [input.email && `${shop.id}\0e\0${input.email}`, input.phone && `${shop.id}\0p\0${input.phone}`].filter((k): k is string => Boolean(k));
    const existing = (input.email && known.get(`${shop.id}\0e\0${input.email}`)) || (input.phone && known.get(`${shop.id}\0p\0${input.phone}`)) || undefined;
    if (existing) keys.push(`c\0${existing.id}`);
    if (keys.some((k) => taken.has(k))) continue;
    for (const k of keys) taken.add(k);
    if (shop.settings.doubleOptIn && !existing?.confirmedAt) continue;
    if (existing) {
      if (asksAnything(input, existing)) continue;
      plans.push({ index, item, variant, contact: existing, known: true });
    } else {
      const contact = newContact(shop.id, input, now);
      const plan = { index, item, variant, contact, known: false };
      fresh.push({ plan, contact });
    }
  }
  if (fresh.length === 0) return plans;
  // In address order, so two replicas' batches wanting the same new address wait for each other rather than deadlock.
  const byAddress = (c: Contact) => `${c.email ?? ''}\0${c.phone ?? ''}`;
  fresh.sort((a, b) => (byAddress(a.contact) < byAddress(b.contact) ? -1 : 1));
  const payload = fresh.map(({ contact: c }) => ({ shop_id: c.shopId, email: c.email, phone: c.phone, sms_consent_at: c.smsConsentAt?.getTime() ?? null, locale: c.locale, token: c.token, created_at: now.getTime() }));
  // Another replica may have committed one of these addresses since the read: that item goes alone and finds it.
  const ids = new Map((await statementRows(tx, twins(tx).signupBatch.insertContacts, undefined, { rows: JSON.stringify(payload) })).map((r) => [r.token, r.id]));
  for (const { plan, contact } of fresh) {
    const id = ids.get(contact.token);
    if (id === undefined) continue;
    contact.id = id;
    plans.push(plan);
  }
  return plans.sort((a, b) => a.index - b.index);
}

/** The shops' contacts with any of the items' emails or phones, by `shop\0e\0email` and `shop\0p\0phone`. */
async function knownContacts(tx: Tx, items: Item[], indexes: number[]): Promise<Map<string, Contact>> {
  const shopIds = [...new Set(indexes.map((i) => items[i]!.shop.id))];
  const emails = [...new Set(indexes.flatMap((i) => items[i]!.input.email ?? []))];
  const phones = [...new Set(indexes.flatMap((i) => items[i]!.input.phone ?? []))];
  const by = new Map<string, Contact>();
  if (shopIds.length === 0 || emails.length + phones.length === 0) return by;
  const matches = or(emails.length ? inArray(contacts.email, emails) : undefined, phones.length ? inArray(contacts.phone, phones) : undefined);
  for (const c of await tx.select().from(contacts).where(and(inArray(contacts.shopId, shopIds), matches))) {
    if (c.email) by.set(`${c.shopId}\0e\0${c.email}`, c);
    if (c.phone) by.set(`${c.shopId}\0p\0${c.phone}`, c);
  }
  return by;
}

/** Whether upsertContact would change the known contact or send it a confirmation (services/contacts/upsert.ts). */
function asksAnything(input: SignupInput, existing: Contact): boolean {
  if (input.phone && input.phone !== existing.phone) return true;
  if (input.email && input.email !== existing.email) return true;
  if (input.email && existing.emailOptOutAt) return true;
  if (input.locale && input.locale !== existing.locale) return true;
  return Boolean(input.phone && input.smsConsent && !existing.smsConsentAt);
}


/** A known contact already in the line goes alone, to be answered "exists" and reminded (create.ts placeHeld). */
async function leaveOutHeldPlaces(tx: Tx, plans: Plan[], answers: Answer[]): Promise<void> {
  const knownIds = [...new Set(plans.filter((p) => p.known).map((p) => p.contact.id))];
  if (knownIds.length === 0) return;
  const held = new Set(
    (await tx
      .select({ contactId: signups.contactId, variantId: signups.variantId })
      .from(signups)
      .where(and(inArray(signups.contactId, knownIds), inArray(signups.status, [...ACTIVE_SIGNUP_STATUSES])))).map((s) => `${s.contactId}\0${s.variantId}`),
  );
  for (let i = plans.length - 1; i >= 0; i--) {
    if (held.has(`${plans[i]!.contact.id}\0${plans[i]!.variant.id}`)) {
      answers[plans[i]!.index] = 'alone';
      plans.splice(i, 1);
    }
  }
}

/**
 * The places, in one insert: every line's count row locked first, all in one
 * statement and one order, then numbers drawn (one call per shop) and given in
 * arrival order. Each place's position comes from its line's waiting count,
 * read after the insert under that lock: the batch's places are that line's
 * last k, in sequence order, so they are unique and contiguous, and their
 * order is commit order. A contact another replica gave a place meanwhile is
 * left out of the insert (it goes alone, to be told "exists"); its number is a
 * gap.
 */
async function insertPlaces(tx: Tx, plans: Plan[], answers: Answer[], now: Date): Promise<Plan[]> {
  if (plans.length === 0) return [];
  const at = now.getTime();
  await twins(tx).locks.lockLines(tx, plans.map((p) => ({ shopId: p.item.shop.id, variantId: p.variant.id })));
  for (const [shopId, shopPlans] of groupBy(plans, (p) => p.item.shop.id)) {
    const seqs = await twins(tx).locks.nextSeqs(tx, shopId, shopPlans.length);
    shopPlans.forEach((plan, k) => (plan.signup = placeFor(plan, seqs[k]!, now)));
  }
  const payload = plans.map(({ signup: s }) => ({
    shop_id: s!.shopId, variant_id: s!.variantId, contact_id: s!.contactId, seq: s!.seq, kind: s!.kind, quantity: s!.quantity, status: s!.status, token: s!.token, locale: s!.locale, created_at: at,
  }));
  const ids = new Map((await statementRows(tx, twins(tx).signupBatch.insertSignups, undefined, { rows: JSON.stringify(payload) })).map((r) => [r.token, r.id]));
  const written = plans.filter((plan) => {
    const id = ids.get(plan.signup!.token);
    if (id === undefined) answers[plan.index] = 'alone';
    else plan.signup!.id = id;
    return id !== undefined;
  });
  const lines = groupBy(written, (p) => `${p.item.shop.id}\0${p.variant.id}`);
  const tails = await tailPositions(tx, written.map((p) => ({ shopId: p.item.shop.id, variantId: p.variant.id })));
  for (const [key, line] of lines) {
    const waiting = tails.get(key) ?? line.length;
    line.sort((a, b) => a.signup!.seq - b.signup!.seq).forEach((plan, k) => (plan.position = waiting - line.length + 1 + k));
  }
  return written;
}

/** The row createSignup's join writes for a waitlist signup with no double opt-in. */
function placeFor(plan: Plan, seq: number, now: Date): Signup {
  const { item, variant, contact } = plan;
  return {
    id: 0,
    shopId: item.shop.id,
    variantId: variant.id,
    contactId: contact.id,
    seq,
    kind: 'waitlist',
    quantity: item.input.quantity,
    status: 'waiting',
    token: rowToken(now),
    locale: item.input.locale ?? contact.locale,
    createdAt: now,
    updatedAt: now,
    renewedAt: null,
    lapseNoticeAt: null,
  };
}

/** The webhook events and confirmations of the written places, one multi-row insert each. */
async function tell(deps: Deps, tx: Tx, written: Plan[], now: Date): Promise<void> {
  for (const shopPlans of groupBy(written, (p) => p.item.shop.id).values()) {
    const events = shopPlans.map(({ signup: s, contact, position }) => ({
      signup: { id: s!.id, variantId: s!.variantId, kind: s!.kind, quantity: s!.quantity, status: s!.status, position, createdAt: now.toISOString() },
      contact: { email: contact.email, phone: contact.phone, locale: s!.locale },
    }));
    await emitAll(tx, shopPlans[0]!.item.shop, 'signup.created', events, now);
  }
  const batch = MessageBatch.for(tx, now);
  for (const { item, contact, signup, variant, position } of written) confirmation(batch, deps, { shop: item.shop, contact, signup: signup!, variant, position: position! });
  await batch.flush();
}

function groupBy<T>(list: T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const t of list) {
    const k = key(t);
    const group = groups.get(k);
    if (group) group.push(t);
    else groups.set(k, [t]);
  }
  return groups;
}
