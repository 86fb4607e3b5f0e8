/** Where on the page a form goes, and for which variant. */
export interface Slot {
  /** The add-to-cart button the form stands in for, or the note it goes after. */
  anchor: HTMLElement;
  variantId: string;
  /** Hide the anchor while the form shows (a button); false puts the form after it (a stock note). */
  replace: boolean;
  /**
   * Theme elements hidden while the full form shows, each restored (its inline display as it was)
   * when the form goes: e.g. Shopify Horizon's disabled quantity stepper beside a pre-order form.
   */
  hide?: HTMLElement[];
  /**
   * A collection-grid card with quick-add: a compact "Notify me" button stands in for the card's
   * sold-out button, and a click on it loads the form chunk and opens the full form in the card.
   */
  compact?: boolean;
}

export interface Adapter {
  /** The slots on the page now, for the variants selected now. */
  slots(doc: Document): Slot[];
  /** Every other variant id the page can switch to, so one config request covers them all (the slots' own are asked anyway). */
  ids?(doc: Document): string[];
}

/** Platform ids are numbers, GIDs or SKU-like strings; anything else is ignored. */
export const validId = (id: string | null | undefined): id is string => !!id && /^[\w.:/-]{1,128}$/.test(id);

export const all = <E extends Element = HTMLElement>(root: ParentNode, selector: string) => Array.from(root.querySelectorAll<E>(selector));
