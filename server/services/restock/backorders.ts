import type { Tx } from '../../../db/index.ts';
import type { Shop, Variant } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';

/**
 * The part of a rise below zero belongs to backorders, served FIFO before any
 * waitlist offer (SPEC §2). Backorder lines arrive with the pre-order and
 * backorder work; until then there are none to serve and this returns 0.
 */
export function serveBackorders(_tx: Tx, _deps: Deps, _args: { shop: Shop; variant: Variant; units: number; now: Date }): number {
  return 0;
}
