import type { Database } from 'better-sqlite3';

export interface SeedShape {
  signups: number;
  variants: number;
  days: number;
  /** Share of signups that were offered a hold. */
  offerShare: number;
}

const DAY = 86_400_000;

/** A small deterministic PRNG, so every run seeds the same shop. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Bulk-loads a shop's history straight into SQLite with prepared inserts in one
 * transaction: signups spread evenly over `days` ending at `now`, ~`offerShare`
 * of them offered (an offer email, sometimes a follow-up, with opens and
 * clicks), and a third of the offers bought. Row shapes are the app's own, so
 * the routes read exactly what production writes; `variants` must already exist
 * as `v0…v{n-1}`.
 */
export function seedHistory(client: Database, shopId: string, now: number, shape: SeedShape) {
  const rand = mulberry32(7);
  const span = shape.days * DAY;
  const start = now - span;
  const contactsNeeded = Math.ceil(shape.signups / shape.variants);
  const contact = client.prepare(`insert into contacts (shop_id, email, locale, token, created_at) values (?, ?, 'en', ?, ?)`);
  const signup = client.prepare(
    `insert into signups (shop_id, variant_id, contact_id, seq, kind, quantity, status, token, locale, created_at, updated_at)
     values (?, ?, ?, ?, 'waitlist', 1, ?, ?, 'en', ?, ?)`,
  );
  const offer = client.prepare(
    `insert into offers (shop_id, variant_id, signup_id, units, position, status, token, expires_at, created_at, claimed_at, resolved_at, opened_at, clicked_at)
     values (?, ?, ?, 1, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const message = client.prepare(
    `insert into messages (shop_id, contact_id, signup_id, offer_id, public_id, template, channel, "to", props, track, rendered_at, subject, text, html,
       status, idempotency_key, send_after, created_at, sent_at, opened_at, clicked_at)
     values (?, ?, ?, ?, ?, ?, 'email', ?, '{}', 1, ?, 'Your hold is ready', ?, ?, 'delivered', ?, ?, ?, ?, ?, ?)`,
  );
  const conversion = client.prepare(
    `insert into conversions (shop_id, signup_id, offer_id, order_id, variant_id, attribution, revenue, currency, created_at)
     values (?, ?, ?, ?, ?, ?, ?, 'USD', ?)`,
  );
  // A rendered body of a realistic size: the message rows are not tiny in production.
  const text = 'Good news: it is back in stock and we are holding one for you until tomorrow. '.repeat(6);
  const html = `<html><body><p>${text}</p><a href="https://waitline.example/t/c/x">Claim</a></body></html>`;
  const maxSeq = (client.prepare('select coalesce(max(seq), 0) as n from signups').get() as { n: number }).n;

  client.transaction(() => {
    const contactIds: number[] = [];
    for (let i = 0; i < contactsNeeded; i++) {
      contactIds.push(Number(contact.run(shopId, `c${i}@bench.example`, `ct-${i}`, start).lastInsertRowid));
    }
    let messageN = 0;
    for (let i = 0; i < shape.signups; i++) {
      const createdAt = start + Math.floor((i * span) / shape.signups);
      const contactId = contactIds[Math.floor(i / shape.variants)]!;
      // A permutation within each block of `variants` signups: one active signup per contact and variant.
      const variantId = `v${(i + Math.floor(i / shape.variants) * 7) % shape.variants}`;
      const offered = rand() < shape.offerShare;
      const roll = rand();
      const outcome = !offered ? (roll < 0.05 ? 'cancelled' : 'waiting') : roll < 0.3 ? 'purchased' : roll < 0.75 ? 'expired' : 'offered';
      const signupId = Number(signup.run(shopId, variantId, contactId, maxSeq + i + 1, outcome, `st-${i}`, createdAt, createdAt).lastInsertRowid);
      if (!offered) continue;

      const offerAt = Math.min(now - 1, createdAt + Math.floor(rand() * 7 * DAY));
      const boughtAt = Math.min(now, offerAt + Math.floor(rand() * 20 * 3_600_000));
      const claimed = outcome === 'purchased' && rand() < 0.5 ? boughtAt - 60_000 : null;
      const offerStatus = outcome === 'offered' ? 'active' : outcome;
      const resolvedAt = outcome === 'offered' ? null : outcome === 'purchased' ? boughtAt : offerAt + DAY;
      const opened = rand() < 0.45 ? offerAt + 600_000 : null;
      const clicked = opened && rand() < 0.45 ? opened + 60_000 : null;
      // Unopened offers get the follow-up, which some open.
      const later = offerAt + 6 * 3_600_000;
      const followUp = !opened && rand() < 0.6 ? { reopened: rand() < 0.3 ? later + 600_000 : null } : null;
      // The offer carries its messages' first open and click, as recordEngagement keeps it.
      const offerId = Number(
        offer.run(shopId, variantId, signupId, offerStatus, `ot-${i}`, offerAt + DAY, offerAt, claimed, resolvedAt, opened ?? followUp?.reopened ?? null, clicked).lastInsertRowid,
      );
      const to = `c${Math.floor(i / shape.variants)}@bench.example`;
      message.run(shopId, contactId, signupId, offerId, `m${messageN}`, 'offer', to, offerAt, text, html, `k${messageN++}`, offerAt, offerAt, offerAt, opened, clicked);
      if (followUp) {
        message.run(shopId, contactId, signupId, offerId, `m${messageN}`, 'offer-followup', to, later, text, html, `k${messageN++}`, later, later, later, followUp.reopened, null);
      }
      if (outcome === 'purchased') {
        conversion.run(shopId, signupId, offerId, `o-${i}`, variantId, claimed || clicked ? 'direct' : 'assisted', 2500 + (i % 7) * 500, boughtAt);
      }
    }
  })();
}
