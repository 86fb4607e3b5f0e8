import { createHash } from 'node:crypto';
import { changesOf } from '../../../db/changes.ts';
import { perConnection, type Db } from '../../../db/index.ts';
import type { Shop } from '../../../db/schema/index.ts';

/** A config answer as sent: the JSON text and its entity tag (a hash of that text, so every replica gives the same one). */
export interface CachedAnswer {
  body: string;
  etag: string;
}

export interface StorefrontCache {
  /**
   * Catches up with other processes' commits, once per request (a request's
   * steps share one look). On PostgreSQL that is a round trip: await it, or
   * nothing is served from the cache until it is answered.
   */
  sync(request: object): void | Promise<void>;
  /** Where the version source stands: taken before reading a shop, handed back to `rememberShop` (never matches while a look is unanswered). */
  mark(): number;
  shopByKey(key: string, nowMs: number): Shop | undefined;
  /**
   * `until`: when a retired key stops opening the shop (null for its current key);
   * `mark`: taken before the shop was read. Returns the shop to use: a slot
   * still standing means its row has not changed, so the answers already made
   * from it are kept.
   */
  rememberShop(key: string, shop: Shop, until: number | null, mark: number): Shop;
  answer(shopId: string, query: string): CachedAnswer | undefined;
  /** Keeps an answer computed from `shop` as this request resolved it, unless the shop changed since. */
  rememberAnswer(shop: Shop, query: string, answer: unknown): CachedAnswer;
}

interface ShopSlot {
  shop: Shop;
  /** Publishable keys (current or in their grace period) that led here. */
  keys: Set<string>;
  /** By shopper locale and variant list. */
  answers: Map<string, CachedAnswer>;
}

/** Enough for every product page of a shop; a flood of made-up variant lists only evicts the oldest. */
const MAX_ANSWERS_PER_SHOP = 512;

const made = (answer: unknown): CachedAnswer => {
  const body = JSON.stringify(answer);
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
};

/**
 * What the storefront reads on every page view, kept per process: each shop by
 * publishable key, and the config answers computed for it. Nothing here
 * expires by time; a shop's entries are dropped the moment the version source
 * (db/changes.ts) reports a write to any of its rows (on SQLite this process's
 * writes as they happen; other processes' commits, and on PostgreSQL every
 * commit, by the next `sync`), so an answer is never older than the last
 * commit. While a `sync` is unanswered (PostgreSQL) nothing is served or kept.
 * Only a retired key's grace period is a matter of time, checked against the
 * deps clock on every use. A handle without a version source (a transaction's)
 * keeps nothing: every answer is computed, and exact.
 */
export const storefrontCache = perConnection((db: Db): StorefrontCache => {
  const changes = changesOf(db);
  return changes ? versionedCache(changes) : uncached;
});

const uncached: StorefrontCache = {
  sync: () => {},
  mark: () => 0,
  shopByKey: () => undefined,
  rememberShop: (_key, shop) => shop,
  answer: () => undefined,
  rememberAnswer: (_shop, _query, answer) => made(answer),
};

function versionedCache({ source, writing }: NonNullable<ReturnType<typeof changesOf>>): StorefrontCache {
  const keys = new Map<string, { shopId: string; until: number | null }>();
  const slots = new Map<string, ShopSlot>();
  const synced = new WeakSet<object>();
  // Moves at every reported change: a shop read before a change is not kept after it.
  let changes = 0;

  source.subscribe((shopId) => {
    changes++;
    if (shopId === null) {
      keys.clear();
      slots.clear();
      return;
    }
    const slot = slots.get(shopId);
    if (!slot) return;
    slots.delete(shopId);
    for (const key of slot.keys) keys.delete(key);
  });

  // Inside a transaction this connection sees its own uncommitted rows: never keep them, never answer past them.
  // And until the last look at other processes is answered, a commit before this request may not be told yet.
  const usable = () => !writing() && source.current();

  return {
    sync(request) {
      if (synced.has(request)) return;
      synced.add(request);
      return source.poll();
    },

    mark: () => (source.current() ? changes : Number.NaN),

    shopByKey(key, nowMs) {
      if (!usable()) return undefined;
      const entry = keys.get(key);
      if (!entry || (entry.until !== null && nowMs >= entry.until)) return undefined;
      return slots.get(entry.shopId)!.shop;
    },

    rememberShop(key, shop, until, mark) {
      if (!usable() || mark !== changes) return shop;
      let slot = slots.get(shop.id);
      if (!slot) slots.set(shop.id, (slot = { shop, keys: new Set(), answers: new Map() }));
      slot.keys.add(key);
      keys.set(key, { shopId: shop.id, until });
      return slot.shop;
    },

    answer(shopId, query) {
      if (!usable()) return undefined;
      return slots.get(shopId)?.answers.get(query);
    },

    rememberAnswer(shop, query, answer) {
      const result = made(answer);
      // A change to the shop since it was resolved dropped its slot: `slot.shop` is then another object, or none.
      const slot = slots.get(shop.id);
      if (!usable() || slot?.shop !== shop) return result;
      if (slot.answers.size >= MAX_ANSWERS_PER_SHOP) slot.answers.delete(slot.answers.keys().next().value!);
      slot.answers.set(query, result);
      return result;
    },
  };
}
