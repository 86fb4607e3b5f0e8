import { and, eq, inArray, sql } from 'drizzle-orm';
import { perConnection, type Db } from '../../../db/index.ts';
import { groupCommit } from '../../../db/group-commit.ts';
import { signups, variants, ACTIVE_SIGNUP_STATUSES, type Contact, type Shop, type Signup, type SignupKind, type Variant } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { Conflict, Invalid, NotFound } from '../../lib/errors.ts';
import { smsRefusal } from '../../lib/sms-numbers.ts';
import { smsCountries } from '../settings/schema.ts';
import { rowToken } from '../../lib/tokens.ts';
import { upsertContact, type ContactAsks, type ContactInput } from '../contacts/upsert.ts';
import { requestConfirmation } from '../contacts/confirmations.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { variantStats } from '../variants/stats.ts';
import { itemName, presentEta } from '../variants/upsert.ts';
import { nextSeq, positionOf, tailPosition } from './position.ts';
import { schedulePreorder } from '../preorders/schedule.ts';
import { emit } from '../webhooks/outbound.ts';
import { insertSignup } from '../../../db/sql/sqlite/inserts.ts';

export interface SignupInput extends ContactInput {
  variantId: string;
  quantity: number;
  kind?: SignupKind;
}

export interface SignupResult {
  signup: Signup;
  position: number | null;
  /** False when the contact already had an active place, which is left unchanged (and never handed to the caller). */
  created: boolean;
}

/**
 * Puts a contact in a variant's line, or returns the place they already hold.
 * The signup, its position and its confirmation messages are written in one
 * transaction; the dispatcher sends them after commit.
 */
export function createSignup(deps: Deps, shop: Shop, input: SignupInput): SignupResult {
  const result = statements(deps.db).join(deps, shop, input);
  deps.wake(); // a repeat may have written a reminder or a confirmation link too
  return result;
}

/**
 * The same, for the storefront: committed together with the other signups
 * that arrived in the same moment (db/group-commit.ts), answered after commit.
 * A shopper's number must be one the shop can text (SMS pumping): a 400
 * before anything is stored, not a contact we would never reach.
 */
export async function createSignupGrouped(deps: Deps, shop: Shop, input: SignupInput): Promise<SignupResult> {
  const refusal = input.phone ? smsRefusal(input.phone, smsCountries(shop.settings)) : null;
  if (refusal) throw Invalid(`phone ${refusal}`, 'phone');
  const result = await groupCommit(deps.db)(() => join(deps, shop, input));
  deps.wake();
  return result;
}

/**
 * The body of createSignup; the caller opens the transaction. This is the
 * storefront's hot path, so every read and write is a statement prepared once
 * per connection; helpers that take a `db` join the open transaction.
 */
function join(deps: Deps, shop: Shop, input: SignupInput): SignupResult {
  const { db, clock, config } = deps;
  const q = statements(db);
  const now = clock.now();
  const variant = q.variant.get({ shopId: shop.id, id: input.variantId });
  if (!variant) throw NotFound('Variant');
  if (variant.mode === 'off') throw Conflict('This product is not taking waitlist or pre-order signups');

  const { contact, created, asks } = upsertContact(db, shop.id, input, now);
  const batch = MessageBatch.for(deps, now);
  askContact(batch, deps, shop, contact, asks, now);
  // A contact made just now has no place anywhere yet.
  const existing = created ? undefined : q.active.get({ shopId: shop.id, variantId: variant.id, contactId: contact.id });
  if (existing) {
    // The place's token goes only to the contact's own inbox or phone, never to whoever asked.
    remindOfPlace(batch, deps, { shop, contact, signup: existing, variant }, now);
    batch.flush();
    return { signup: existing, position: positionOf(db, existing), created: false };
  }

  const signup: Signup = {
    id: 0,
    shopId: shop.id,
    variantId: variant.id,
    contactId: contact.id,
    seq: nextSeq(db, shop.id),
    kind: resolveKind(db, shop, variant, input),
    quantity: input.quantity,
    // Double opt-in proves an address once; a confirmed contact joins straight away.
    status: shop.settings.doubleOptIn && !contact.confirmedAt ? 'pending' : 'waiting',
    token: rowToken(now),
    locale: input.locale ?? contact.locale,
    createdAt: now,
    updatedAt: now,
    renewedAt: null,
    lapseNoticeAt: null,
  };
  const { shopId, variantId, contactId, seq, kind, quantity, status, token, locale } = signup;
  signup.id = Number(q.insert.run(shopId, variantId, contactId, seq, kind, quantity, status, token, locale, now.getTime(), now.getTime()).lastInsertRowid);
  // It took the tail's sequence number, so everyone waiting is ahead of it.
  const position = signup.status === 'waiting' ? tailPosition(db, shop.id, variant.id) : null;
  emit(db, shop, 'signup.created', {
    signup: { id: signup.id, variantId: signup.variantId, kind: signup.kind, quantity: signup.quantity, status: signup.status, position, createdAt: now.toISOString() },
    contact: { email: contact.email, phone: contact.phone, locale: signup.locale },
  }, now);
  if (signup.status === 'pending') {
    // One confirmation request per linkResendMs per address, however many places a
    // bot asks for in its name; the link confirms every place the address is pending in.
    requestConfirmation(db, deps, batch, { shop, contact, kind: 'optin', signupId: signup.id, item: itemName(variant) }, now);
  } else {
    confirmation(batch, deps, { shop, contact, signup, variant, position: position ?? 1 });
    if (signup.kind === 'preorder') schedulePreorder(db, shop, [signup], variant, now);
  }
  batch.flush();
  return { signup, position, created: true };
}

const p = sql.placeholder;
const statements = perConnection((db: Db) => ({
  join: db.$client.transaction(join),
  variant: db.select().from(variants).where(and(eq(variants.shopId, p('shopId')), eq(variants.id, p('id')))).prepare(),
  active: db
    .select()
    .from(signups)
    .where(
      and(
        eq(signups.shopId, p('shopId')),
        eq(signups.variantId, p('variantId')),
        eq(signups.contactId, p('contactId')),
        inArray(signups.status, [...ACTIVE_SIGNUP_STATUSES]),
      ),
    )
    .prepare(),
  // Plain SQL and no RETURNING: the caller already holds every value of the new row.
  recentReminder: db.$client.prepare(
    `select 1 from messages where signup_id = ? and template = 'signup-exists' and created_at > ? limit 1`,
  ),
  insert: db.$client.prepare(insertSignup.text()),
}));

/**
 * A repeat signup: the contact hears of their own place, with its link, at
 * most once per `linkResendMs` per place. A place still pending confirmation
 * gets its confirmation link again instead (under the same limit).
 */
function remindOfPlace(batch: MessageBatch, deps: Deps, args: { shop: Shop; contact: Contact; signup: Signup; variant: Variant }, now: Date): void {
  const { shop, contact, signup, variant } = args;
  const item = itemName(variant);
  if (signup.status === 'pending') {
    requestConfirmation(deps.db, deps, batch, { shop, contact, kind: 'optin', signupId: signup.id, item }, now);
    return;
  }
  if (statements(deps.db).recentReminder.get(signup.id, now.getTime() - deps.config.linkResendMs)) return;
  const common = { shop, contact, signupId: signup.id, key: `signup:${signup.id}:exists:${now.getTime()}` };
  const manageUrl = `${deps.config.publicUrl}/s/${signup.token}`;
  if (!batch.email({ ...common, template: 'signup-exists', props: { item, kind: signup.kind, position: positionOf(deps.db, signup), manageUrl } })) {
    batch.sms({ ...common, template: 'signup-exists', props: { item, manageUrl } });
  }
}

/** What a request asked to change about a known contact goes to the contact to confirm (SPEC §5). */
function askContact(batch: MessageBatch, deps: Deps, shop: Shop, contact: Contact, asks: ContactAsks, now: Date): void {
  if (asks.resubscribe) requestConfirmation(deps.db, deps, batch, { shop, contact, kind: 'resubscribe' }, now);
  if (asks.phone) requestConfirmation(deps.db, deps, batch, { shop, contact, kind: 'phone', value: asks.phone.value, smsConsent: asks.phone.smsConsent }, now);
  if (asks.email) requestConfirmation(deps.db, deps, batch, { shop, contact, kind: 'email', value: asks.email }, now);
}

/** Email and, with consent, SMS: the item, the place in line, the ETA range, a leave link. */
export function confirmation(
  batch: MessageBatch,
  deps: Pick<Deps, 'config'>,
  args: { shop: Shop; contact: Contact; signup: Signup; variant: Variant; position: number },
): void {
  const { shop, contact, signup, variant, position } = args;
  const common = { shop, contact, signupId: signup.id, key: `signup:${signup.id}:confirmation` };
  const item = itemName(variant);
  batch.email({
    ...common,
    template: 'signup-confirmation',
    props: {
      item,
      kind: signup.kind,
      position,
      eta: presentEta(variant),
      leaveUrl: `${deps.config.publicUrl}/u/${contact.token}?s=${signup.token}`,
    },
  });
  batch.sms({ ...common, template: 'signup-confirmation', props: { item, position } });
}

/** Pre-orders count against the limit; past it, new signups join the plain waitlist. */
function resolveKind(tx: Db, shop: Shop, variant: Variant, input: SignupInput): SignupKind {
  if (variant.mode !== 'preorder' || input.kind === 'waitlist') return 'waitlist';
  const remaining = variantStats(tx, shop.id, [variant]).get(variant.id)?.preorderRemaining ?? null;
  return remaining === null || remaining >= input.quantity ? 'preorder' : 'waitlist';
}
