import { and, asc, eq, gt } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/index.ts';
import { contacts, signups, type SignupStatus } from '../../../db/schema/index.ts';

const COLUMNS = ['email', 'phone', 'variant', 'created_at', 'status', 'position', 'kind', 'quantity', 'locale'] as const;
const PAGE = 1000;

/**
 * A CSV cell: quoted when it holds a comma, quote or line break. A cell a
 * spreadsheet would run as a formula (= @, or + - not starting a number) is
 * defused with a leading apostrophe; phone numbers (+14155550123) stay as they are.
 */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=@\t\r]|^[+-](?!\d)/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The shop's signups in FIFO order as CSV, a page of rows at a time: each page
 * is its own query, so nothing holds a connection between pages and memory
 * stays flat however long the line is. Positions are counted as the rows go by.
 */
export async function* signupsCsv(db: DbOrTx, shopId: string, filter: { variantId?: string; status?: SignupStatus }): AsyncGenerator<string> {
  const matching = [
    eq(signups.shopId, shopId),
    filter.variantId ? eq(signups.variantId, filter.variantId) : undefined,
    filter.status ? eq(signups.status, filter.status) : undefined,
  ];
  yield `${COLUMNS.join(',')}\r\n`;
  const waitingAhead = new Map<string, number>();
  let cursor = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const rows = await db
      .select({
        seq: signups.seq,
        variant: signups.variantId,
        created_at: signups.createdAt,
        status: signups.status,
        kind: signups.kind,
        quantity: signups.quantity,
        locale: signups.locale,
        email: contacts.email,
        phone: contacts.phone,
      })
      .from(signups)
      .innerJoin(contacts, eq(contacts.id, signups.contactId))
      .where(and(...matching, gt(signups.seq, cursor)))
      .orderBy(asc(signups.seq))
      .limit(PAGE);
    if (rows.length === 0) return;
    let out = '';
    for (const r of rows) {
      let position: number | '' = '';
      if (r.status === 'waiting') {
        position = (waitingAhead.get(r.variant) ?? 0) + 1;
        waitingAhead.set(r.variant, position);
      }
      const values: Record<string, unknown> = { ...r, created_at: r.created_at.toISOString(), position };
      out += `${COLUMNS.map((c) => cell(values[c])).join(',')}\r\n`;
    }
    cursor = rows.at(-1)!.seq;
    yield out;
  }
}
