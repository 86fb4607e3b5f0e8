import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { perConnection, type Db, type Tx } from '../../../db/index.ts';
import { runWrite } from '../../../db/raw.ts';
import { twins } from '../../../db/sql/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { messages, signups, variants, ACTIVE_SIGNUP_STATUSES, type Contact, type Shop, type Signup, type SignupKind, type Variant } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { Conflict, Invalid, NotFound } from '../../lib/errors.ts';
import { smsRefusal } from '../../lib/sms-numbers.ts';
import { smsCountries } from '../settings/schema.ts';
import { rowToken } from '../../lib/tokens.ts';
import { upsertContact, type ContactAsks, type ContactInput } from '../contacts/upsert.ts';
import { requestConfirmation } from '../contacts/confirmations.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { variantStats } from '../variants/stats.ts';
import { itemName, productInfo, presentEta } from '../variants/upsert.ts';
import { nextSeq, positionOf, tailPosition } from './position.ts';
import { schedulePreorder } from '../preorders/schedule.ts';
import { emit } from '../webhooks/outbound.ts';
import { joinInBatch } from './batch.ts';
import { countSignup } from '../../metrics/registry.ts';

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
 * transaction, committed together with the other writes that arrived in the
 * same moment (db/transaction.ts), and answered after commit; the dispatcher
 * sends the messages after that.
 */
export async function createSignup(deps: Deps, shop: Shop, input: SignupInput): Promise<SignupResult> {
  const result = await transaction(deps.db, (tx) => join(deps, tx, shop, input));
  deps.wake(); // a repeat may have written a reminder or a confirmation link too
  return result;
}

/**
 * The same, for the storefront. A shopper's number must be one the shop can
 * text (SMS pumping): a 400 before anything is stored, not a contact we would
 * never reach. Where each statement is a round trip (PostgreSQL), signups
 * arriving together are written together (./batch.ts); what a batch does not
 * take comes back here, to createSignup.
 */
export async function createSignupGrouped(deps: Deps, shop: Shop, input: SignupInput): Promise<SignupResult> {
  const refusal = input.phone ? smsRefusal(input.phone, smsCountries(shop.settings)) : null;
  if (refusal) throw Invalid(`phone ${refusal}`, 'phone');
  const result = twins(deps.db).signupBatch.joinsInBatches
    ? await joinInBatch(deps, shop, input, (alone) => createSignup(deps, shop, alone))
    : await createSignup(deps, shop, input);
  if (result.created) countSignup(result.signup.kind);
  return result;
}

/**
 * The body of createSignup, in the transaction `tx`. This is the storefront's
 * hot path, so its own reads are statements prepared once per connection.
 */
async function join(deps: Deps, tx: Tx, shop: Shop, input: SignupInput): Promise<SignupResult> {
  const q = statements(tx);
  const now = deps.clock.now();
  const variant = await joinedVariant(tx, shop, input.variantId);
  if (!variant) throw NotFound('Variant');
  if (variant.mode === 'off') throw Conflict('This product is not taking waitlist or pre-order signups');

  const { contact, created, asks } = await upsertContact(tx, shop.id, input, now);
  const batch = MessageBatch.for(tx, now);
  await askContact(tx, batch, deps, shop, contact, asks, now);
  // A contact made just now has no place anywhere yet.
  const existing = created ? undefined : (await q.active.execute({ shopId: shop.id, variantId: variant.id, contactId: contact.id }))[0];
  if (existing) return placeHeld(tx, batch, deps, { shop, contact, signup: existing, variant }, now);

  const signup: Signup = {
    id: 0,
    shopId: shop.id,
    variantId: variant.id,
    contactId: contact.id,
    seq: await nextSeq(tx, shop.id, variant.id),
    kind: await resolveKind(tx, shop, variant, input),
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
  const at = now.getTime();
  const { changes, id } = await runWrite(tx, twins(tx).inserts.insertSignup, [shopId, variantId, contactId, seq, kind, quantity, status, token, locale, at, at]);
  if (changes === 0) {
    // Another replica gave the contact a place in this line since the read above (signups_one_active_idx,
    // `on conflict do nothing`); PostgreSQL waited for its commit, so this read sees it. SQLite never gets here.
    const [held] = await q.active.execute({ shopId: shop.id, variantId: variant.id, contactId: contact.id });
    if (!held) throw new Error(`createSignup: the place that conflicted is gone (contact ${contact.id}, variant ${variant.id})`);
    return placeHeld(tx, batch, deps, { shop, contact, signup: held, variant }, now);
  }
  signup.id = id;
  // It took the tail's sequence number, so everyone waiting is ahead of it.
  const position = signup.status === 'waiting' ? await tailPosition(tx, shop.id, variant.id) : null;
  await emit(tx, shop, 'signup.created', {
    signup: { id: signup.id, variantId: signup.variantId, kind: signup.kind, quantity: signup.quantity, status: signup.status, position, createdAt: now.toISOString() },
    contact: { email: contact.email, phone: contact.phone, locale: signup.locale },
  }, now);
  if (signup.status === 'pending') {
    // One confirmation request per linkResendMs per address, however many places a
    // bot asks for in its name; the link confirms every place the address is pending in.
    await requestConfirmation(tx, deps, batch, { shop, contact, kind: 'optin', signupId: signup.id, item: itemName(variant), product: productInfo(variant) }, now);
  } else {
    confirmation(batch, deps, { shop, contact, signup, variant, position: position ?? 1 });
    if (signup.kind === 'preorder') await schedulePreorder(tx, shop, [signup], variant, now);
  }
  await batch.flush();
  return { signup, position, created: true };
}

/**
 * The variant a signup joins. A pre-order counts against the variant's limit,
 * so it is read again under the variant's lock (db/sql/pg/locks.ts, a no-op on
 * SQLite): no other replica's pre-order can then take the same room. A
 * waitlist signup takes no variant lock, so a restock holding one does not
 * stop the line from growing; its place comes from its line's count row lock.
 */
async function joinedVariant(tx: Tx, shop: Shop, variantId: string): Promise<Variant | undefined> {
  const [variant] = await statements(tx).variant.execute({ shopId: shop.id, id: variantId });
  if (variant?.mode !== 'preorder') return variant;
  await twins(tx).locks.lockVariants(tx, shop.id, [variant.id]);
  return (await statements(tx).variant.execute({ shopId: shop.id, id: variantId }))[0];
}

const p = sql.placeholder;
const statements = perConnection((db: Db) => ({
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
  recentReminder: db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.signupId, p('signupId')), eq(messages.template, 'signup-exists'), gt(messages.createdAt, p('since'))))
    .limit(1)
    .prepare(),
}));

/** A contact who already holds a place is answered with it; its token goes only to their own inbox or phone, never to whoever asked. */
async function placeHeld(tx: Tx, batch: MessageBatch, deps: Deps, args: { shop: Shop; contact: Contact; signup: Signup; variant: Variant }, now: Date): Promise<SignupResult> {
  await remindOfPlace(tx, batch, deps, args, now);
  await batch.flush();
  return { signup: args.signup, position: await positionOf(tx, args.signup), created: false };
}

/**
 * A repeat signup: the contact hears of their own place, with its link, at
 * most once per `linkResendMs` per place. A place still pending confirmation
 * gets its confirmation link again instead (under the same limit).
 */
async function remindOfPlace(tx: Tx, batch: MessageBatch, deps: Deps, args: { shop: Shop; contact: Contact; signup: Signup; variant: Variant }, now: Date): Promise<void> {
  const { shop, contact, signup, variant } = args;
  const item = itemName(variant);
  if (signup.status === 'pending') {
    await requestConfirmation(tx, deps, batch, { shop, contact, kind: 'optin', signupId: signup.id, item }, now);
    return;
  }
  const [recent] = await statements(tx).recentReminder.execute({ signupId: signup.id, since: now.getTime() - deps.config.linkResendMs });
  if (recent) return;
  const common = { shop, contact, signupId: signup.id, key: `signup:${signup.id}:exists:${now.getTime()}` };
  const manageUrl = `${deps.config.publicUrl}/s/${signup.token}`;
  const position = await positionOf(tx, signup);
  if (!batch.email({ ...common, template: 'signup-exists', props: { item, product: productInfo(variant), kind: signup.kind, position, manageUrl } })) {
    batch.sms({ ...common, template: 'signup-exists', props: { item, manageUrl } });
  }
}

/** What a request asked to change about a known contact goes to the contact to confirm (SPEC §5). */
async function askContact(tx: Tx, batch: MessageBatch, deps: Deps, shop: Shop, contact: Contact, asks: ContactAsks, now: Date): Promise<void> {
  if (asks.resubscribe) await requestConfirmation(tx, deps, batch, { shop, contact, kind: 'resubscribe' }, now);
  if (asks.phone) await requestConfirmation(tx, deps, batch, { shop, contact, kind: 'phone', value: asks.phone.value, smsConsent: asks.phone.smsConsent }, now);
  if (asks.email) await requestConfirmation(tx, deps, batch, { shop, contact, kind: 'email', value: asks.email }, now);
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
      product: productInfo(variant),
      status: { url: `${deps.config.publicUrl}/s/${signup.token}` },
      kind: signup.kind,
      position,
      eta: presentEta(variant),
      leaveUrl: `${deps.config.publicUrl}/u/${contact.token}?s=${signup.token}`,
    },
  });
  batch.sms({ ...common, template: 'signup-confirmation', props: { item, position } });
}

/** Pre-orders count against the limit; past it, new signups join the plain waitlist. */
async function resolveKind(tx: Tx, shop: Shop, variant: Variant, input: SignupInput): Promise<SignupKind> {
  if (variant.mode !== 'preorder' || input.kind === 'waitlist') return 'waitlist';
  const remaining = (await variantStats(tx, shop.id, [variant])).get(variant.id)?.preorderRemaining ?? null;
  return remaining === null || remaining >= input.quantity ? 'preorder' : 'waitlist';
}
