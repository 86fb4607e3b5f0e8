/** Where on the page a form goes, and for which variant. */
export interface Slot {
  /** The add-to-cart button the form stands in for, or the note it goes after. */
  anchor: HTMLElement;
  variantId: string;
  /** Hide the anchor while the form shows (a button); false puts the form after it (a stock note). */
  replace: boolean;
  /** Theme elements hidden while the form shows, restored when it goes. */
  hide?: HTMLElement[];
  /** A grid card: a compact Notify me button that opens the form. */
  compact?: boolean;
}

export interface Adapter {
  /** The slots on the page now, for the variants selected now. */
  slots(doc: Document): Slot[];
  /** Every variant id the page can switch to, so one config request covers them all. */
  ids(doc: Document): string[];
}

/** Platform ids are numbers, GIDs or SKU-like strings; anything else is ignored. */
export const validId = (id: string | null | undefined): id is string => !!id && /^[\w.:/-]{1,128}$/.test(id);

export const all = <E extends Element = HTMLElement>(root: ParentNode, selector: string) => Array.from(root.querySelectorAll<E>(selector));
