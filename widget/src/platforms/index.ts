import { bigcommerce } from './bigcommerce.ts';
import { generic } from './generic.ts';
import { shopify } from './shopify.ts';
import type { Adapter } from './types.ts';
import { woocommerce } from './woocommerce.ts';

/** Explicit markers first; then the first platform that finds anything on this page. */
const ORDER: Adapter[] = [generic, shopify, woocommerce, bigcommerce];

export function adapterFor(doc: Document): Adapter | undefined {
  return ORDER.find((a) => a.slots(doc).length > 0 || a.ids?.(doc).length);
}
