import type { Deps } from '../../context.ts';
import { NotFound, AppError } from '../../lib/errors.ts';
import { backorderByToken } from '../backorders/cancel.ts';
import { backorderStatusView, type BackorderStatusView } from './backorder.ts';
import { placeStatusView, type PlaceStatusView } from './place.ts';

export type StatusView = BackorderStatusView | PlaceStatusView;

const notFound = (error: unknown) => error instanceof AppError && error.code === 'not_found';

/**
 * The page behind a `/s/:token` link: a backorder line's token (the one its
 * cancel link carries) or a place's. Both are unguessable and unique in their
 * table; a backorder line is tried first. Unknown → NotFound.
 */
export async function statusByToken(deps: Pick<Deps, 'db' | 'config'>, tokenValue: string): Promise<StatusView> {
  try {
    return await backorderStatusView(deps.db, await backorderByToken(deps.db, tokenValue));
  } catch (error) {
    if (!notFound(error)) throw error;
  }
  try {
    return await placeStatusView(deps, tokenValue);
  } catch (error) {
    if (notFound(error)) throw NotFound('Status');
    throw error;
  }
}
