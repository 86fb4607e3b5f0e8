import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/index.ts';
import { contacts, signups } from '../../../db/schema/index.ts';
import { rowToken } from '../../lib/tokens.ts';
import { nextSeqs } from '../signups/position.ts';

export interface ImportRow {
  row: number;
  email: string | null;
  phone: string | null;
  consent: boolean;
  variant: string;
  createdAt: number;
  quantity: number;
  locale: string;
}

export type RowOutcome = 'imported' | 'skipped' | 'phone-taken';

/**
 * Writes checked rows, in order, as waiting signups at the back of the line,
 * in a few set-wise statements (one round trip per kind, not per row: on
 * PostgreSQL each is a network hop). Decided row by row as if each went in
 * alone: a row finds the contacts and places the rows before it made.
 * - A contact is found by email, or by phone when the row has no email; a new
 *   one by email whose phone is already someone else's is refused.
 * - A contact already waiting (or pending, or offered) in that line is skipped.
 */
export async function writeBatch(tx: Tx, shopId: string, rows: ImportRow[], now: number): Promise<RowOutcome[]> {
  const madeAt = new Date(now);
  // Known contacts by email and phone; a new contact is -(its index in `fresh` + 1) until inserted.
  const byEmail = await idsBy(tx, shopId, 'email', rows);
  const byPhone = await idsBy(tx, shopId, 'phone', rows);
  const known = [...new Set([...byEmail.values(), ...byPhone.values()])];
  const active = new Set(
    known.length === 0
      ? []
      : (
          await tx
            .select({ contactId: signups.contactId, variantId: signups.variantId })
            .from(signups)
            // Literal statuses: SQLite then sees the partial unique index's own condition and uses it.
            .where(and(eq(signups.shopId, shopId), inArray(signups.contactId, known), sql`${signups.status} in ('pending', 'waiting', 'offered')`))
        ).map((s) => place(s.variantId, s.contactId)),
  );
  const fresh: Array<typeof contacts.$inferInsert> = [];
  const placed: Array<{ r: ImportRow; ref: number }> = [];
  const outcomes: RowOutcome[] = [];
  for (const r of rows) {
    let ref = r.email ? byEmail.get(r.email) : byPhone.get(r.phone!);
    if (ref === undefined && r.email && r.phone && byPhone.has(r.phone)) {
      outcomes.push('phone-taken');
      continue;
    }
    if (ref === undefined) {
      // orders_count is left to its default, 0.
      fresh.push({ shopId, email: r.email, phone: r.phone, smsConsentAt: r.consent ? madeAt : null, locale: r.locale, token: rowToken(madeAt), createdAt: new Date(r.createdAt) });
      ref = -fresh.length;
      if (r.email) byEmail.set(r.email, ref);
      if (r.phone) byPhone.set(r.phone, ref);
    }
    if (active.has(place(r.variant, ref))) {
      outcomes.push('skipped');
      continue;
    }
    active.add(place(r.variant, ref));
    placed.push({ r, ref });
    outcomes.push('imported');
  }

  const idOf = new Map<string, number>();
  if (fresh.length) for (const c of await tx.insert(contacts).values(fresh).returning({ id: contacts.id, token: contacts.token })) idOf.set(c.token, c.id);
  const contactId = (ref: number) => (ref > 0 ? ref : idOf.get(fresh[-ref - 1]!.token!)!);
  if (placed.length) {
    const seqs = await nextSeqs(tx, shopId, placed.map(({ r }) => r.variant), placed.length);
    await tx.insert(signups).values(
      placed.map(({ r, ref }, k) => ({
        shopId,
        variantId: r.variant,
        contactId: contactId(ref),
        seq: seqs[k]!,
        kind: 'waitlist' as const,
        quantity: r.quantity,
        status: 'waiting' as const,
        token: rowToken(madeAt),
        locale: r.locale,
        createdAt: new Date(r.createdAt),
        updatedAt: madeAt,
      })),
    );
  }
  return outcomes;
}

const place = (variantId: string, contact: number) => `${variantId}\u0000${contact}`;

async function idsBy(tx: Tx, shopId: string, by: 'email' | 'phone', rows: ImportRow[]): Promise<Map<string, number>> {
  const values = [...new Set(rows.map((r) => r[by]).filter((v): v is string => v !== null))];
  const found = new Map<string, number>();
  if (values.length === 0) return found;
  const column = contacts[by];
  for (const c of await tx.select({ id: contacts.id, value: column }).from(contacts).where(and(eq(contacts.shopId, shopId), inArray(column, values)))) {
    found.set(c.value!, c.id);
  }
  return found;
}
