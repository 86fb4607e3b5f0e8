/** Where on the page a form goes, and for which variant. */
export interface Slot {
  /** The element the form replaces (hidden, never removed), or the anchor it goes after. */
  anchor: HTMLElement;
  variantId: string;
  /** The page itself says sold out (a disabled button, an out-of-stock note). */
  soldOut: boolean;
  /** Hide the anchor while the form shows (a button); false to insert after it (a note). */
  replace: boolean;
}

export type Adapter = (root: ParentNode) => Slot[];
