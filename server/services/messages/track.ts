import { and, eq, isNull } from 'drizzle-orm';
import { messages } from '../../../db/schema/index.ts';
import type { Deps } from '../../context.ts';
import { Invalid } from '../../lib/errors.ts';
import { verify } from '../../lib/signing.ts';

/** The open pixel: first open only; an unknown id is ignored (the pixel still answers). */
export function recordOpen(deps: Deps, publicId: string): void {
  deps.db
    .update(messages)
    .set({ openedAt: deps.clock.now() })
    .where(and(eq(messages.publicId, publicId), isNull(messages.openedAt)))
    .run();
}

/**
 * A tracked click. Only targets we signed are followed, so the endpoint is no
 * open redirect. A click implies the message was opened (images may be off).
 */
export function recordClick(deps: Deps, publicId: string, target: string, signature: string): string {
  if (!verify(deps.secret, signature, publicId, target)) throw Invalid('This link is not valid');
  const now = deps.clock.now();
  deps.db.transaction((tx) => {
    tx.update(messages).set({ clickedAt: now }).where(and(eq(messages.publicId, publicId), isNull(messages.clickedAt))).run();
    tx.update(messages).set({ openedAt: now }).where(and(eq(messages.publicId, publicId), isNull(messages.openedAt))).run();
  });
  return target;
}
