import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { affected } from '../../../db/raw.ts';
import type { DbOrTx, Tx } from '../../../db/index.ts';
import { contactConfirmations, contacts, shops, signups, variants, type ConfirmationKind, type Contact, type ContactConfirmation, type Shop } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { maskContact } from '../../lib/mask.ts';
import { NotFound } from '../../lib/errors.ts';
import { sha256, token } from '../../lib/tokens.ts';
import type { MessageBatch } from '../messages/enqueue.ts';
import type { ProductInfo } from '../../../emails/types.ts';
import { itemName } from '../variants/upsert.ts';

export interface ConfirmationRequest {
  shop: Shop;
  contact: Contact;
  kind: ConfirmationKind;
  signupId?: number;
  /** The new phone or email (`phone`, `email`). */
  value?: string;
  smsConsent?: boolean;
  /** The item of the signup that asked, for the double opt-in message. */
  item?: string;
  product?: ProductInfo;
}

/**
 * Writes a confirm-only link and the message that carries it, inside the
 * caller's transaction. The link goes only to what already belongs to the
 * contact: the address itself for double opt-in and re-subscribing, the
 * contact's existing email (else its existing phone) for a new number or
 * address, never to the new value. One link per contact, kind and value per
 * `linkResendMs`, however often a form is filled in. Returns false when none
 * was sent (one went out recently, or there is no channel to prove it on).
 */
export async function requestConfirmation(tx: Tx, deps: Pick<Deps, 'config'>, batch: MessageBatch, req: ConfirmationRequest, now: Date): Promise<boolean> {
  const { shop, contact, kind } = req;
  const [recent] = await tx
    .select({ id: contactConfirmations.id })
    .from(contactConfirmations)
    .where(
      and(
        eq(contactConfirmations.contactId, contact.id),
        eq(contactConfirmations.kind, kind),
        req.value ? eq(contactConfirmations.value, req.value) : isNull(contactConfirmations.value),
        gt(contactConfirmations.createdAt, new Date(now.getTime() - deps.config.linkResendMs)),
      ),
    )
    .limit(1);
  if (recent) return false;

  const raw = token(24);
  const confirmUrl = `${deps.config.publicUrl}/confirm/${raw}`;
  const args = { shop, contact, signupId: req.signupId, key: `confirm:${sha256(raw).slice(0, 24)}` };
  let sent: boolean;
  if (kind === 'optin') {
    const props = { item: req.item ?? '', confirmUrl };
    sent = batch.email({ ...args, template: 'signup-optin', props: { ...props, product: req.product } }) || batch.sms({ ...args, template: 'signup-optin', props });
  } else if (kind === 'resubscribe') {
    // The only message an opted-out address can get: the way back, asked for from that address.
    sent = batch.email({ ...args, template: 'email-resubscribe', props: { confirmUrl }, evenIfOptedOut: true });
  } else {
    const props = { kind, value: maskContact(kind === 'email' ? req.value! : null, kind === 'phone' ? req.value! : null), confirmUrl };
    sent = batch.email({ ...args, template: 'contact-confirm', props }) || batch.sms({ ...args, template: 'contact-confirm', props });
  }
  if (!sent) return false;
  await tx.insert(contactConfirmations).values({
    shopId: shop.id,
    contactId: contact.id,
    signupId: req.signupId ?? null,
    kind,
    value: req.value ?? null,
    smsConsent: Boolean(req.smsConsent),
    tokenHash: sha256(raw),
    createdAt: now,
    expiresAt: new Date(now.getTime() + deps.config.linkTtlMs),
  });
  return true;
}

export interface FoundConfirmation {
  confirmation: ContactConfirmation;
  shop: Shop;
  contact: Contact;
  /** The item of the place that asked, when there is one. */
  item: string | null;
  /** Still usable: not used, not expired. */
  open: boolean;
}

/** A confirmation by the token in its link; unknown tokens are a 404. */
export async function confirmationByToken(db: DbOrTx, raw: string, now: Date): Promise<FoundConfirmation> {
  const [row] = await db
    .select({ confirmation: contactConfirmations, shop: shops, contact: contacts })
    .from(contactConfirmations)
    .innerJoin(shops, eq(shops.id, contactConfirmations.shopId))
    .innerJoin(contacts, eq(contacts.id, contactConfirmations.contactId))
    .where(eq(contactConfirmations.tokenHash, sha256(raw)));
  if (!row) throw NotFound('Link');
  const { confirmation } = row;
  const variant =
    confirmation.signupId === null
      ? undefined
      : (
          await db
            .select({ variant: variants })
            .from(signups)
            .innerJoin(variants, and(eq(variants.shopId, signups.shopId), eq(variants.id, signups.variantId)))
            .where(eq(signups.id, confirmation.signupId))
        )[0]?.variant;
  const open = confirmation.usedAt === null && now < confirmation.expiresAt;
  return { ...row, item: variant ? itemName(variant) : null, open };
}

/** Marks a link used, once: false when another request used it first. */
export async function spendConfirmation(tx: Tx, id: number, now: Date): Promise<boolean> {
  return affected(await tx.update(contactConfirmations).set({ usedAt: now }).where(and(eq(contactConfirmations.id, id), isNull(contactConfirmations.usedAt)))) === 1;
}

/** The number or address a change link would give the contact, if nobody else in the shop has it by now. */
export async function valueIsFree(db: DbOrTx, c: ContactConfirmation): Promise<boolean> {
  const column = c.kind === 'phone' ? contacts.phone : contacts.email;
  const [taken] = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.shopId, c.shopId), eq(column, c.value!), sql`${contacts.id} <> ${c.contactId}`))
    .limit(1);
  return !taken;
}
