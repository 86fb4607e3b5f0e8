import type { Deps } from '../../context.ts';
import { NotFound } from '../../lib/errors.ts';
import { offerContext } from './offer-context.ts';

/**
 * What the widget shows a visitor who arrives with `?waitline_hold=`: whether
 * the hold is still theirs and until when. The token is the credential.
 */
export async function holdStatus(deps: Pick<Deps, 'db' | 'clock'>, tokenValue: string) {
  const context = await offerContext(deps.db, { token: tokenValue });
  if (!context) throw NotFound('Hold');
  const { offer, shop } = context;
  const active = offer.status === 'active' && deps.clock.now() < offer.expiresAt;
  return {
    shop,
    hold: { status: active ? 'active' : 'ended', variantId: offer.variantId, quantity: offer.units, expiresAt: offer.expiresAt.toISOString() },
  };
}
