import type { Db } from '../../../db/index.ts';

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
 * is its own query, so nothing holds the connection between pages and memory
 * stays flat however long the line is. Positions are counted as the rows go by.
 */
export async function* signupsCsv(db: Db, shopId: string, filter: { variantId?: string; status?: string }): AsyncGenerator<string> {
  const where = ['s.shop_id = ?', 's.seq > ?'];
  const params: unknown[] = [shopId];
  if (filter.variantId) {
    where.push('s.variant_id = ?');
    params.push(filter.variantId);
  }
  if (filter.status) {
    where.push('s.status = ?');
    params.push(filter.status);
  }
  const page = db.$client.prepare(
    `select s.seq, s.variant_id as variant, s.created_at, s.status, s.kind, s.quantity, s.locale, c.email, c.phone
     from signups s join contacts c on c.id = s.contact_id
     where ${where.join(' and ')} order by s.seq limit ${PAGE}`,
  );
  yield `${COLUMNS.join(',')}\r\n`;
  const waitingAhead = new Map<string, number>();
  let cursor = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const rows = page.all(params[0], cursor, ...params.slice(1)) as Array<Record<string, any>>;
    if (rows.length === 0) return;
    let out = '';
    for (const r of rows) {
      let position: number | '' = '';
      if (r.status === 'waiting') {
        position = (waitingAhead.get(r.variant) ?? 0) + 1;
        waitingAhead.set(r.variant, position);
      }
      const values: Record<string, unknown> = { ...r, created_at: new Date(r.created_at).toISOString(), position };
      out += `${COLUMNS.map((c) => cell(values[c])).join(',')}\r\n`;
    }
    cursor = rows.at(-1)!.seq;
    yield out;
  }
}
