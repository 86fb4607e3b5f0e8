/** What every template gets besides its own props. */
export interface RenderContext {
  locale: string;
  /** The shop's IANA time zone, for every time a message states. */
  timeZone: string;
  /** The shop's overrides of the default strings, by locale. */
  strings: Record<string, Record<string, string>>;
  shop: { name: string };
  /** The shop's logo (https, or none: the name is shown) and brand colour (`#rrggbb`). */
  brand: { logoUrl: string | null; color: string };
  sender: { name: string; email: string; address: string };
  /** Support line from the shop settings; may be empty. */
  contact: string;
  /** One-click unsubscribe URL for this contact and shop. */
  unsubscribeUrl: string;
  /** Open pixel and click wrapping, when the message is tracked. */
  track?: { pixelUrl: string; link(url: string): string };
  /** Set by the template registry: why this person gets this message, for the footer. */
  footer?: { audience: 'waitlist' | 'preorder' | 'order' | 'contact' | 'team'; item: string };
  /** Set by the template registry from the props: the item's card under the heading. */
  product?: ProductInfo;
  /** Set by the template registry from the props: the order name, the next update and the status link. */
  status?: StatusInfo;
}

/** Where a customer checks their order or place, and what to expect next (issue 22). */
export interface StatusInfo {
  /** The status page, `/s/:token`. */
  url: string;
  /** The store's order name, for order messages whose body does not already say it. */
  order?: string;
  /** ISO 8601 instant of the next scheduled update, when one is scheduled. */
  nextUpdate?: string | null;
}

/** The item a message is about, as the shop lists it: shown with its picture and price where known. */
export interface ProductInfo {
  title: string;
  /** The variant's own title ("M / Blue"), '' for a product without variants. */
  variant: string;
  imageUrl: string | null;
  /** Minor units, with `currency`. */
  price: number | null;
  currency: string | null;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}
