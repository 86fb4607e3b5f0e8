import { and, eq, inArray } from 'drizzle-orm';
import { signups, variants, ACTIVE_SIGNUP_STATUSES, type Contact, type Shop, type Signup, type SignupKind, type Variant } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { Conflict, NotFound } from '../../lib/errors.ts';
import { token } from '../../lib/tokens.ts';
import { upsertContact, type ContactInput } from '../contacts/upsert.ts';
import { MessageBatch } from '../messages/enqueue.ts';
import { variantStats } from '../variants/stats.ts';
import { itemName, presentEta } from '../variants/upsert.ts';
import { nextSeq, positionOf } from './position.ts';
import { schedulePreorder } from '../preorders/schedule.ts';
import { emit } from '../webhooks/outbound.ts';

export interface SignupInput extends ContactInput {
  variantId: string;
  quantity: number;
  kind?: SignupKind;
}

export interface SignupResult {
  signup: Signup;
  position: number | null;
  /** False when the contact already had an active place, which is returned unchanged. */
  created: boolean;
}

/**
 * Puts a contact in a variant's line, or returns the place they already hold.
 * The signup, its position and its confirmation messages are written in one
 * transaction; the dispatcher sends them after commit.
 */
export function createSignup(deps: Deps, shop: Shop, input: SignupInput): SignupResult {
  const { db, clock, config } = deps;
  const result = db.transaction((tx): SignupResult => {
    const now = clock.now();
    const variant = tx.select().from(variants).where(and(eq(variants.shopId, shop.id), eq(variants.id, input.variantId))).get();
    if (!variant) throw NotFound('Variant');
    if (variant.mode === 'off') throw Conflict('This product is not taking waitlist or pre-order signups');

    const contact = upsertContact(tx, shop.id, input, now);
    const existing = tx
      .select()
      .from(signups)
      .where(
        and(
          eq(signups.shopId, shop.id),
          eq(signups.variantId, variant.id),
          eq(signups.contactId, contact.id),
          inArray(signups.status, [...ACTIVE_SIGNUP_STATUSES]),
        ),
      )
      .get();
    if (existing) return { signup: existing, position: positionOf(tx, existing), created: false };

    const signup = tx
      .insert(signups)
      .values({
        shopId: shop.id,
        variantId: variant.id,
        contactId: contact.id,
        seq: nextSeq(tx),
        kind: resolveKind(tx, shop, variant, input),
        quantity: input.quantity,
        status: shop.settings.doubleOptIn ? 'pending' : 'waiting',
        token: token(),
        locale: input.locale ?? contact.locale,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .get();
    const position = positionOf(tx, signup);
    emit(tx, shop, 'signup.created', {
      signup: { id: signup.id, variantId: signup.variantId, kind: signup.kind, quantity: signup.quantity, status: signup.status, position, createdAt: now.toISOString() },
      contact: { email: contact.email, phone: contact.phone, locale: signup.locale },
    }, now);
    const batch = MessageBatch.for(deps, now);
    if (signup.status === 'pending') {
      const args = { shop, contact, signupId: signup.id, key: `signup:${signup.id}:optin` };
      const props = { item: itemName(variant), confirmUrl: `${config.publicUrl}/confirm/${signup.token}` };
      if (!batch.email({ ...args, template: 'signup-optin', props })) batch.sms({ ...args, template: 'signup-optin', props });
    } else {
      confirmation(batch, deps, { shop, contact, signup, variant, position: position ?? 1 });
      if (signup.kind === 'preorder') schedulePreorder(tx, shop, [signup], variant, now);
    }
    batch.flush();
    return { signup, position, created: true };
  });
  if (result.created) deps.wake();
  return result;
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
function resolveKind(tx: Parameters<typeof variantStats>[0], shop: Shop, variant: Variant, input: SignupInput): SignupKind {
  if (variant.mode !== 'preorder' || input.kind === 'waitlist') return 'waitlist';
  const remaining = variantStats(tx, shop.id, [variant]).get(variant.id)?.preorderRemaining ?? null;
  return remaining === null || remaining >= input.quantity ? 'preorder' : 'waitlist';
}
