/** What every template gets besides its own props. */
export interface RenderContext {
  locale: string;
  /** The shop's IANA time zone, for every time a message states. */
  timeZone: string;
  /** The shop's overrides of the default strings, by locale. */
  strings: Record<string, Record<string, string>>;
  shop: { name: string };
  sender: { name: string; email: string; address: string };
  /** Support line from the shop settings; may be empty. */
  contact: string;
  /** One-click unsubscribe URL for this contact and shop. */
  unsubscribeUrl: string;
  /** Open pixel and click wrapping, when the message is tracked. */
  track?: { pixelUrl: string; link(url: string): string };
  /** Set by the template registry: why this person gets this message, for the footer. */
  footer?: { audience: 'waitlist' | 'preorder' | 'order' | 'contact'; item: string };
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}
