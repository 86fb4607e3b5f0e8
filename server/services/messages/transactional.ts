import type { EmailOptOutReason } from '../../../db/schema/index.ts';

/**
 * Notices about an order the person placed and paid for (a backorder line):
 * what happened to their money and their parcel. These are not marketing, so
 * an unsubscribe does not stop them (SPEC §5: placing an order never lifts an
 * opt-out, yet the buyer must hear about the order). Waitlist offers, follow-ups,
 * ran-out and still-interested notes, and pre-order news are marketing-type:
 * an opt-out stops them all.
 */
export const ORDER_NOTICES: ReadonlySet<string> = new Set([
  'backorder-ack',
  'backorder-update',
  'backorder-allocated',
  'backorder-shipped',
  'backorder-cancelled',
  'backorder-refunded',
  'eta-changed',
  // Both answer the buyer about their own order, at their asking.
  'status-link',
  'reply-cancel',
]);

/** The template names as SQL, for statements that suppress everything else. */
export const ORDER_NOTICE_LIST = [...ORDER_NOTICES];

export const isOrderNotice = (template: string, backorderId: number | null | undefined) => ORDER_NOTICES.has(template) && backorderId != null;

/**
 * May this email go to an address that has opted out? Only an order notice, and
 * only after an unsubscribe. A hard bounce means the address takes no mail at
 * all, and a complaint (marked as spam) costs the sender's reputation with every
 * mailbox provider: after either, nothing is sent, and the merchant reaches the
 * buyer some other way. An opt-out of unknown reason is treated as the strict kind.
 */
export function sendsDespiteOptOut(reason: EmailOptOutReason | null, template: string, backorderId: number | null | undefined): boolean {
  return reason === 'unsubscribed' && isOrderNotice(template, backorderId);
}
