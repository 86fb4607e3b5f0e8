import { render } from 'preact';
import { loadConfig } from './api.ts';
import { readScriptConfig, type ShopConfig, type VariantConfig } from './config.ts';
import { generic } from './platforms/generic.ts';
import { shopify } from './platforms/shopify.ts';
import type { Slot } from './platforms/types.ts';
import { Form } from './ui/Form.tsx';
import { makeT } from './ui/strings.ts';
import { css } from './ui/styles.ts';

interface Mount {
  host: HTMLElement;
  variantId: string;
  anchor: HTMLElement;
  previousDisplay: string;
}

// currentScript exists only while the script first runs.
const cfg = readScriptConfig(document.currentScript as HTMLScriptElement | null);
const mounts = new Map<HTMLElement, Mount>();
const known: Record<string, VariantConfig> = {};
let shop: ShopConfig['shop'] | null = null;

/** Explicit markers win; platform adapters only run where there are none. */
function findSlots(): Slot[] {
  const explicit = generic(document);
  return explicit.length ? explicit : shopify(document);
}

function unmount(m: Mount) {
  render(null, m.host.shadowRoot!);
  m.host.remove();
  if (m.anchor.isConnected) m.anchor.style.display = m.previousDisplay;
  mounts.delete(m.anchor);
}

function mount(slot: Slot, variant: VariantConfig) {
  const host = document.createElement('waitline-form');
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = css;
  root.appendChild(style);
  const container = document.createElement('div');
  root.appendChild(container);
  const previousDisplay = slot.anchor.style.display;
  slot.anchor.insertAdjacentElement(slot.replace ? 'beforebegin' : 'afterend', host);
  if (slot.replace) slot.anchor.style.display = 'none';
  mounts.set(slot.anchor, { host, variantId: slot.variantId, anchor: slot.anchor, previousDisplay });
  const t = makeT(cfg!.locale, shop?.strings ?? {});
  render(<Form cfg={cfg!} variantId={slot.variantId} variant={variant} t={t} />, container);
}

const wanted = (v: VariantConfig | undefined) => !!v && v.mode !== 'off' && v.available < 1;

async function sync() {
  const slots = findSlots();
  const missing = slots.map((s) => s.variantId).filter((id) => id && !(id in known));
  if (missing.length) {
    const config = await loadConfig(cfg!, [...new Set(missing)]);
    shop = config.shop;
    for (const id of missing) known[id] = config.variants[id] ?? { mode: 'off', available: 1, eta: null, preorderRemaining: null, queueLength: 0 };
  }
  const live = new Set(slots.map((s) => s.anchor));
  for (const m of [...mounts.values()]) {
    const slot = slots.find((s) => s.anchor === m.anchor);
    if (!live.has(m.anchor) || !m.host.isConnected || !slot || slot.variantId !== m.variantId || !wanted(known[m.variantId])) unmount(m);
  }
  for (const slot of slots) if (!mounts.has(slot.anchor) && wanted(known[slot.variantId])) mount(slot, known[slot.variantId]!);
}

let scheduled = false;
function schedule() {
  if (scheduled) return;
  scheduled = true;
  setTimeout(() => {
    scheduled = false;
    // A guest never throws into the host page.
    sync().catch((e) => console.warn('[waitline]', e));
  }, 50);
}

// A shopper arriving from a claim link holds units: leave the store's own button to them.
const holding = new URLSearchParams(location.search).has('waitline_hold');

if (cfg && !holding) {
  schedule();
  // Variant switches (change events, re-rendered sections, replaced buttons) all end up as DOM changes.
  new MutationObserver((records) => {
    if (records.some((r) => !(r.target instanceof Element && r.target.closest('waitline-form')))) schedule();
  }).observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['value', 'disabled'] });
  document.addEventListener('change', schedule, true);
}
