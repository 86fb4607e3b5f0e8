import { and, eq, ne, sql } from 'drizzle-orm';
import { perConnection, type Db } from '../../../db/index.ts';
import { variants, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import type { Deps } from '../../context.ts';
import { e164, email as emailField, variantId } from '../../lib/fields.ts';
import { writeBatch, type ImportRow } from './write-batch.ts';

/** Header names of our export and of other back-in-stock apps' exports, mapped to ours. */
const HEADERS: Record<string, 'email' | 'phone' | 'variant' | 'created_at' | 'sms_consent' | 'quantity' | 'locale'> = {
  email: 'email',
  'e-mail': 'email',
  'email address': 'email',
  'customer email': 'email',
  phone: 'phone',
  'phone number': 'phone',
  mobile: 'phone',
  sms: 'phone',
  variant: 'variant',
  'variant id': 'variant',
  variant_id: 'variant',
  variantid: 'variant',
  'product variant id': 'variant',
  created_at: 'created_at',
  'created at': 'created_at',
  created: 'created_at',
  date: 'created_at',
  'signup date': 'created_at',
  'subscribed at': 'created_at',
  sms_consent: 'sms_consent',
  'sms consent': 'sms_consent',
  'accepts sms': 'sms_consent',
  quantity: 'quantity',
  locale: 'locale',
};

export const mapHeader = (h: string) => HEADERS[h.trim().toLowerCase().replace(/\s+/g, ' ')] ?? null;

export interface ImportReport {
  imported: number;
  skipped: number;
  errors: Array<{ row: number; field?: string; message: string }>;
  errorCount: number;
}

const BATCH = 500;
const MAX_ERRORS = 1000;

/**
 * Rows of an exported waitlist, in file order, at the back of the line: each
 * becomes a waiting signup with its original created_at. A contact already in
 * that line is skipped; a bad row is reported by number and the rest go in.
 * Imports are quiet: these people joined elsewhere and are told on the next restock.
 */
export async function importSignups(deps: Deps, shop: Shop, rows: AsyncIterable<Record<string, string>>): Promise<ImportReport> {
  const report: ImportReport = { imported: 0, skipped: 0, errors: [], errorCount: 0 };
  const fail = (row: number, message: string, field?: string) => {
    report.errorCount++;
    if (report.errors.length < MAX_ERRORS) report.errors.push({ row, field, message });
  };
  const knownVariants = new Map<string, boolean>();
  let batch: ImportRow[] = [];
  const flush = async () => {
    const pending = batch;
    batch = [];
    const outcomes = await transaction(deps.db, (tx) => writeBatch(tx, shop.id, pending, deps.clock.now().getTime()));
    outcomes.forEach((outcome, i) => {
      if (outcome === 'imported') report.imported++;
      else if (outcome === 'skipped') report.skipped++;
      // A new contact by email whose phone is already someone else's: one number, one contact per shop.
      else fail(pending[i]!.row, 'this phone number belongs to another contact', 'phone');
    });
  };

  let row = 1; // the header is row 1
  for await (const record of rows) {
    row++;
    const email = record.email ? emailField.safeParse(record.email) : null;
    // A number without its country code is the shop's country's, as a store in that country exports it.
    const phone = record.phone ? e164(record.phone, shop.settings.country) : undefined;
    const variant = variantId.safeParse(record.variant ?? '');
    if (email && !email.success) fail(row, 'not a valid email address', 'email');
    else if (phone === null) fail(row, `not a valid ${shop.settings.country} phone number, nor one with its country code`, 'phone');
    else if (!variant.success) fail(row, 'a variant id is required', 'variant');
    else {
      const consent = /^(1|true|yes|y)$/i.test(record.sms_consent ?? '');
      const createdAt = record.created_at ? Date.parse(record.created_at) : deps.clock.now().getTime();
      if (!knownVariants.has(variant.data)) knownVariants.set(variant.data, (await variantOpen(deps.db).execute({ shopId: shop.id, id: variant.data })).length > 0);
      if (!email && !(phone && consent)) fail(row, 'an email, or a phone with sms_consent, is needed to reach this person', 'email');
      else if (!knownVariants.get(variant.data)) fail(row, `unknown variant ${variant.data}`, 'variant');
      else if (Number.isNaN(createdAt)) fail(row, 'created_at is not a date', 'created_at');
      else {
        const quantity = Math.min(100, Math.max(1, Math.floor(Number(record.quantity) || 1)));
        const locale = /^[a-z]{2,3}(-[\w]{2,8})?$/i.test(record.locale ?? '') ? record.locale! : shop.settings.locale;
        batch.push({ row, email: email?.data ?? null, phone: phone ?? null, consent, variant: variant.data, createdAt, quantity, locale });
      }
    }
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  // Rows refused while writing are found after later rows' parse errors: report in file order.
  report.errors.sort((a, b) => a.row - b.row);
  return report;
}

const variantOpen = perConnection((db: Db) =>
  db
    .select({ one: sql`1` })
    .from(variants)
    .where(and(eq(variants.shopId, sql.placeholder('shopId')), eq(variants.id, sql.placeholder('id')), ne(variants.mode, 'off')))
    .prepare(),
);
