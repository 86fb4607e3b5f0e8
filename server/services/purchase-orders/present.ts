import type { EtaBasis, PurchaseOrder, Variant } from '../../../db/schema/index.ts';
import { presentEta } from '../variants/upsert.ts';
import { isMerchantEta } from './refresh.ts';

export function presentPurchaseOrder(po: PurchaseOrder, supplier: string) {
  return {
    id: po.id,
    supplierId: po.supplierId,
    supplier,
    variantId: po.variantId,
    quantity: po.quantity,
    receivedQuantity: po.receivedQuantity,
    outstanding: po.status === 'open' ? po.quantity - po.receivedQuantity : 0,
    quotedArrival: po.quotedArrival,
    status: po.status,
    createdAt: po.createdAt.toISOString(),
    updatedAt: po.updatedAt.toISOString(),
    closedAt: po.closedAt?.toISOString() ?? null,
  };
}

export type PresentedPurchaseOrder = ReturnType<typeof presentPurchaseOrder>;

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;

/** "6–11 days late", "on time to 3 days late", "2 days early to on time"… */
export function slipText(low: number, high: number): string {
  const one = (d: number) => (d === 0 ? 'on time' : d > 0 ? `${days(d)} late` : `${days(-d)} early`);
  if (low === high) return one(low);
  if (low > 0) return `${low}–${days(high)} late`;
  if (high < 0) return `${-high}–${days(-low)} early`;
  return `${one(low)} to ${one(high)}`;
}

const shortDate = (date: string) => new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** Where a PO-derived range came from, in the merchant's words: "quoted 12 Mar, this supplier is usually 6–11 days late". */
export function explainBasis(b: EtaBasis): string {
  const slip = slipText(b.slipLow, b.slipHigh);
  const pattern =
    b.from === 'supplier'
      ? `, this supplier is usually ${slip}`
      : b.from === 'blended'
        ? `; with ${b.receipts} ${b.receipts === 1 ? 'delivery' : 'deliveries'} on record we expect ${slip}`
        : `; no deliveries on record from this supplier yet, so we allow ${slip}`;
  return `quoted ${shortDate(b.quotedArrival)}${pattern}${b.handlingDays > 0 ? `, plus ${days(b.handlingDays)} handling` : ''}`;
}

/** The provenance of a variant's ETA for the dashboard (`etaSource` on the variant list). */
export function presentEtaSource(v: Variant) {
  if (isMerchantEta(v)) return { kind: 'merchant' as const, explanation: 'set by the merchant; purchase orders do not change it' };
  const b = v.etaSource === 'purchase-order' ? v.etaBasis : null;
  if (!b || !presentEta(v)) return { kind: null, explanation: 'no ETA: set one, or add a purchase order' };
  return {
    kind: 'purchase-order' as const,
    purchaseOrderId: b.purchaseOrderId,
    supplierId: b.supplierId,
    supplier: b.supplier,
    quotedArrival: b.quotedArrival,
    slipDays: { low: b.slipLow, high: b.slipHigh },
    handlingDays: b.handlingDays,
    basedOn: b.from,
    receipts: b.receipts,
    explanation: explainBasis(b),
  };
}
