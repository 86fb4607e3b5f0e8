import type { Tracking } from '../services/backorders/fulfil.ts';

/*
 * What Waitline asks of a WooCommerce or BigCommerce store, in one shape, so
 * the services (connect, catalog import, webhooks, reconciliation, holds,
 * refunds, shipments) are written once. Each platform's client
 * (platforms/woocommerce, platforms/bigcommerce) turns its REST API into this.
 *
 * Money is in minor units (cents). Ids are the platform's own, as strings.
 * A variant's `stockRef` names where its stock lives, in a form only its
 * client reads (WooCommerce: `product/12` or `product/12/variation/34`, the
 * parent when a variation's stock is managed by its product; BigCommerce:
 * `12/34`, product and variant); it is stored as the variant's
 * inventoryItemId, and null when the platform does not count the stock.
 */

export type StorePlatform = 'woocommerce' | 'bigcommerce';

/**
 * Why a call failed, in the kinds the services act on:
 * - unauthorized / forbidden: the keys were refused, or lack a permission; the merchant must fix them.
 * - not_found: no store (or no such object) at that address.
 * - refused_address: the store's address resolves to a private, loopback or metadata address.
 * - unavailable: no answer, a timeout, a 5xx or 429 still failing after the client's own retries.
 * - invalid: the store answered, but not as its API does (not JSON, not the expected shape), or refused the input.
 * - not_refundable: the order cannot be refunded for that much (nothing was refunded).
 */
export type StoreErrorKind = 'unauthorized' | 'forbidden' | 'not_found' | 'refused_address' | 'unavailable' | 'invalid' | 'not_refundable';

export class StoreError extends Error {
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** How a client's requests leave (the store's own answer, every status, headers lower-cased). */
export type StoreHttp = (
  url: string,
  init: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; headers: Record<string, string>; body?: string },
) => Promise<{ status: number; headers: Record<string, string>; body: string }>;

export interface StoreApiDeps {
  http: StoreHttp;
  /** Backoff between retries (429 with Retry-After, 5xx); tests answer at once. */
  sleep(ms: number): Promise<void>;
  /** Wall time, for OAuth 1.0a timestamps. */
  now(): Date;
}

/** The store as it describes itself on connect. */
export interface StoreInfo {
  name: string;
  /** Storefront origins the widget's requests come from (https://shop.example), at least one. */
  origins: string[];
  /** ISO 4217. */
  currency: string;
}

export interface StoreVariant {
  /** The id the widget sends: a WooCommerce variation id (or the product id of a simple product); a BigCommerce v3 variant id. */
  id: string;
  productId: string;
  /** The variant's own title ("M / Blue"), '' for a product without variants. */
  title: string;
  price: number;
  sku: string | null;
  imageUrl: string | null;
  /**
   * The product page (with the variant chosen where the platform allows): absolute, or a path on the
   * storefront (BigCommerce's catalog does not name its domain), which the import resolves against the
   * store's origin.
   */
  url: string | null;
  /**
   * Sellable units the platform counts. A store that sells it without counting says only whether it
   * is for sale: 0 when sold out, null when for sale (Waitline then has no count to hold or queue against).
   */
  stock: number | null;
  stockRef: string | null;
}

export interface StoreProduct {
  id: string;
  title: string;
  productType: string | null;
  tags: string[];
  imageUrl: string | null;
  variants: StoreVariant[];
}

export interface CatalogPage {
  products: StoreProduct[];
  /** The cursor of the next page, null after the last. */
  next: string | null;
  /** Variants in the whole catalog when the platform says (for the progress bar), else null. */
  variantsTotal: number | null;
}

export interface StoreOrderLine {
  /** The order line's own id (WooCommerce line item id; BigCommerce order product id). */
  id: string;
  /** The variant as StoreVariant.id names it. */
  variantId: string;
  quantity: number;
  /** Price per unit. */
  price: number;
}

export interface StoreOrder {
  id: string;
  /** The order number customers know ("1042"). */
  name: string;
  email: string | null;
  phone: string | null;
  currency: string;
  total: number;
  /** When the order took stock on the platform (WooCommerce: paid, else created; BigCommerce: created). */
  placedAt: Date;
  /**
   * pending: placed but not yet taking stock (WooCommerce `pending`/`checkout-draft`/`failed`; BigCommerce `Incomplete`);
   * open: taking stock, to be filled; cancelled; shipped (WooCommerce `completed`, BigCommerce `Shipped`/`Completed`);
   * refunded (in full).
   */
  status: 'pending' | 'open' | 'cancelled' | 'shipped' | 'refunded';
  /** The platform's own status name, for logs. */
  platformStatus: string;
  /** A hold token the order carries (meta `waitline_hold`), when the customer came from a claim link. */
  holdToken: string | null;
  lines: StoreOrderLine[];
}

/** A shipment of some order lines, with its parcel's carrier and tracking. */
export interface StoreShipment {
  id: string;
  tracking: Tracking;
  lines: Array<{ lineId: string; quantity: number }>;
}

export interface StoreRefund {
  id: string;
  /** The note or reason the refund was made with (where Waitline's mark is found). */
  note: string | null;
  amount: number;
  /** The payment went back through the gateway (not only recorded by hand). */
  confirmed: boolean;
}

export interface StoreApi {
  readonly platform: StorePlatform;
  /** Checks the keys with a read the connection needs, and describes the store. */
  verify(): Promise<StoreInfo>;
  /** Creates one webhook per topic, delivered to `deliveryUrl`, each signed with (or carrying) `secretFor(topic)`. On a failure, deletes those it made. */
  registerWebhooks(deliveryUrl: string, secretFor: (topic: string) => string): Promise<Array<{ topic: string; id: string }>>;
  deleteWebhooks(ids: string[]): Promise<void>;
  /** One page of the catalog, from the first (cursor null). */
  catalogPage(cursor: string | null): Promise<CatalogPage>;
  /** One product, by id (null when deleted), as catalogPage gives it. */
  product(id: string): Promise<StoreProduct | null>;
  /** Sellable stock per stockRef, for the refs the platform still has. */
  stockLevels(refs: string[]): Promise<Map<string, number>>;
  /** Changes sellable stock by `delta` (negative takes units off sale) and answers the level after. */
  adjustStock(ref: string, delta: number, reason: string): Promise<number>;
  order(id: string): Promise<StoreOrder | null>;
  shipments(orderId: string): Promise<StoreShipment[]>;
  refunds(orderId: string): Promise<StoreRefund[]>;
  /** Refunds lines of an order through the payment gateway, with `note` kept on the refund. */
  refund(input: { orderId: string; lines: Array<{ lineId: string; quantity: number; amount: number }>; note: string }): Promise<StoreRefund>;
}
