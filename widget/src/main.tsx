import { loadConfig } from './api.ts';
import { readScriptConfig, type ShopConfig, type VariantConfig, type WidgetConfig } from './config.ts';
import { adapterFor } from './platforms/index.ts';
import type { Slot } from './platforms/types.ts';

/**
 * The loader: what every product page downloads. It reads the page, asks the
 * config once, and fetches the form chunk (preact, the form, a grid card's
 * compact button and the hold note: form.tsx) only when one of them will show.
 */
type Chunk = typeof import('./form.tsx');

interface Mount {
  host: HTMLElement;
  /** The element in the shadow root the chunk renders into. */
  box: HTMLElement;
  slot: Slot;
  kind: 'form' | 'reserved';
  /** What we hid (the anchor, Slot.hide), each with the inline display it had, restored on unmount. */
  hidden: Map<HTMLElement, string>;
  chunk: Chunk;
}

type Hold = { variantId: string; expiresAt: string } | null;

/** The shopper's view of one variant: a form where it is sold out (or held), a note where it is held for them. */
function start(cfg: WidgetConfig, src: string) {
  // The one global, a command queue as analytics snippets have: `Waitline('refresh')` rescans (SPAs).
  // Calls queued before this ran need no replay: the only command is a rescan, and one starts now.
  (window as unknown as { Waitline: unknown }).Waitline = (cmd: unknown) => cmd === 'refresh' && schedule();

  const known: Record<string, VariantConfig | null> = {};
  const mounts = new Map<HTMLElement, Mount>();
  const holdToken = new URLSearchParams(location.search).get('waitline_hold');
  let shop: ShopConfig['shop'] = { name: '', locale: 'en', strings: {}, theme: {} };
  let hold: Hold | undefined = holdToken && /^[\w-]{10,64}$/.test(holdToken) ? undefined : null;
  let chunk: Promise<Chunk | void> | undefined;
  let broken = false;

  // One request per page, beside widget.js (its name carries the build's hash). A failure is final:
  // the store's own buttons come back and stay.
  const loadForm = () =>
    (chunk ??= import(/* @vite-ignore */ new URL(__WAITLINE_FORM__, src).href).catch(() => {
      broken = true;
      schedule();
    }));

  const kindFor = (slot: Slot): Mount['kind'] | null => {
    const v = known[slot.variantId];
    if (hold?.variantId === slot.variantId) return 'reserved';
    return !broken && v && (cfg.mode ?? v.mode) !== 'off' && v.available < 1 ? 'form' : null;
  };

  const conceal = (m: Mount, els: HTMLElement[] = []) => {
    for (const el of els) if (!m.hidden.has(el)) m.hidden.set(el, el.style.display), (el.style.display = 'none');
  };

  function unmount(m: Mount) {
    m.chunk.hide(m.box);
    m.host.remove();
    m.hidden.forEach((display, el) => (el.style.display = display));
    mounts.delete(m.slot.anchor);
  }

  /**
   * The form, a grid card's compact button or the hold note, rendered by the chunk; the store's
   * button is hidden in the same task, after the render: one frame, one layout shift at most.
   */
  function mount(slot: Slot, kind: Mount['kind'], c: Chunk) {
    const host = document.createElement('waitline-form');
    // CSSOM takes one custom property per call and drops a value that would end it: nothing else can get in.
    for (const [k, v] of Object.entries(shop.theme)) host.style.setProperty(`--waitline-${k}`, v);
    const box = host.attachShadow({ mode: 'open' }).appendChild(document.createElement('div'));
    const m: Mount = { host, box, slot, kind, hidden: new Map(), chunk: c };
    const v = known[slot.variantId]!;
    mounts.set(slot.anchor, m);
    slot.anchor.insertAdjacentElement(kind === 'form' && slot.replace ? 'beforebegin' : 'afterend', host);
    c.show(box, { cfg, variantId: slot.variantId, variant: v, mode: cfg.mode ?? v.mode, strings: shop.strings, shop: shop.name, held: kind === 'reserved' ? hold!.expiresAt : '', compact: slot.compact });
    if (kind === 'form') conceal(m, slot.replace ? [slot.anchor, ...(slot.hide ?? [])] : slot.hide);
  }

  async function sync() {
    const adapter = adapterFor(document);
    if (!adapter) return;
    const missing = [...new Set([...(adapter.ids?.(document) ?? []), ...adapter.slots(document).map((s) => s.variantId)])].filter((id) => !(id in known)).slice(0, 50);
    if (missing.length) {
      const config = await loadConfig(cfg, missing);
      shop = config.shop;
      for (const id of missing) known[id] = config.variants[id] ?? null;
    }
    // An offer link's page shows the hold note, which comes with the chunk, so the chunk asks.
    if (hold === undefined) hold = (await (await loadForm())?.activeHold(cfg, holdToken!)) ?? null;
    // The chunk only when a form, a compact button or a hold note will show.
    const c = adapter.slots(document).some((s) => !mounts.has(s.anchor) && kindFor(s)) ? await loadForm() : undefined;
    // The page may have moved on during the awaits: reconcile with its slots as they are now, in one task.
    const slots = adapter.slots(document);
    mounts.forEach((m) => {
      const slot = slots.find((s) => s.anchor === m.slot.anchor);
      if (!slot || !m.host.isConnected || slot.variantId !== m.slot.variantId || kindFor(slot) !== m.kind) unmount(m);
      else if (m.kind === 'form') conceal(m, slot.hide);
    });
    for (const slot of slots) {
      const kind = kindFor(slot);
      if (kind && c && !mounts.has(slot.anchor)) mount(slot, kind, c);
    }
  }

  let timer = 0;
  let href = location.href;
  function schedule() {
    clearTimeout(timer);
    // A guest never throws into the host page: a failure leaves the page as it was.
    timer = setTimeout(() => sync().catch(() => {}), 30) as unknown as number;
  }
  // Variant switches arrive as change events, re-rendered sections (DOM changes) or ?variant= in the URL.
  // Our own mounts cause one more pass, which finds nothing to do.
  new MutationObserver(schedule).observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['value', 'disabled', 'class', 'data-waitline-variant'] });
  addEventListener('change', schedule, true);
  // Back and forward included: the URL is watched rather than popstate alone.
  setInterval(() => href !== location.href && ((href = location.href), schedule()), 500);
  schedule();
}

try {
  const script = document.currentScript as HTMLScriptElement | null;
  const cfg = readScriptConfig(script);
  if (cfg) start(cfg, script!.src);
} catch {
  // never into the host page
}
