import { render } from 'preact';
import { api } from './api.ts';
import { readScriptConfig, type ShopConfig, type VariantConfig, type WidgetConfig } from './config.ts';
import { adapterFor } from './platforms/index.ts';
import type { Slot } from './platforms/types.ts';
import { Form } from './ui/Form.tsx';
import { formatDate, makeT } from './ui/strings.ts';
import { css } from './ui/styles.ts';

interface Mount {
  host: HTMLElement;
  anchor: HTMLElement;
  variantId: string;
  kind: 'form' | 'reserved';
  display: string;
  /** The theme's elements hidden beside the form (Slot.hide), with the display each had. */
  hidden: Array<[HTMLElement, string]>;
}

type Hold = { variantId: string; expiresAt: string } | null;

/** The shopper's view of one variant: a form where it is sold out (or held), a note where it is held for them. */
function start(cfg: WidgetConfig) {
  const w = window as unknown as { Waitline?: ((...a: unknown[]) => void) & { q?: unknown[][] } };
  const queued = w.Waitline?.q ?? [];
  // The one global: a command queue, as analytics snippets have. `Waitline('refresh')` rescans (SPAs).
  w.Waitline = (cmd: unknown) => cmd === 'refresh' && schedule();
  queued.forEach((args) => w.Waitline!(...args));

  const known: Record<string, VariantConfig | null> = {};
  const mounts = new Map<HTMLElement, Mount>();
  const holdToken = new URLSearchParams(location.search).get('waitline_hold');
  let shop: ShopConfig['shop'] = { name: '', locale: 'en', strings: {}, theme: {} };
  let hold: Hold | undefined = holdToken && /^[\w-]{10,64}$/.test(holdToken) ? undefined : null;

  const kindFor = (slot: Slot): Mount['kind'] | null => {
    const v = known[slot.variantId];
    if (hold && hold.variantId === slot.variantId) return 'reserved';
    return v && (cfg.mode ?? v.mode) !== 'off' && v.available < 1 ? 'form' : null;
  };

  function unmount(m: Mount) {
    render(null, m.host.shadowRoot!);
    m.host.remove();
    m.anchor.style.display = m.display;
    for (const [el, display] of m.hidden) el.style.display = display;
    mounts.delete(m.anchor);
  }

  function mount(slot: Slot, kind: Mount['kind']) {
    const host = document.createElement('waitline-form');
    for (const [k, v] of Object.entries(shop.theme)) if (/^[\w-]+$/.test(k) && !/[;{}]/.test(v)) host.style.setProperty(`--waitline-${k}`, v);
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>${css}</style><div></div>`;
    const form = kind === 'form' && slot.replace;
    const hidden = (form && slot.hide) || [];
    const m: Mount = { host, anchor: slot.anchor, variantId: slot.variantId, kind, display: slot.anchor.style.display, hidden: hidden.map((el) => [el, el.style.display]) };
    slot.anchor.insertAdjacentElement(form ? 'beforebegin' : 'afterend', host);
    if (form) for (const el of [slot.anchor, ...hidden]) el.style.display = 'none';
    mounts.set(slot.anchor, m);
    const t = makeT(shop.strings, cfg.locale);
    const v = known[slot.variantId]!;
    const body = root.lastChild as HTMLElement;
    const mode = cfg.mode ?? v.mode;
    const full = <Form cfg={cfg} variantId={slot.variantId} variant={v} mode={mode} t={t} shop={shop.name} />;
    // A grid card gets one small button; the form opens in its place on a click.
    const open = () => (render(full, body), body.querySelector('input')?.focus());
    render(
      kind === 'form' && slot.compact ? (
        <button type="button" class="b" onClick={open}>
          {t(mode === 'preorder' && v.preorderRemaining !== 0 ? 'widget.button.preorder' : 'widget.button')}
        </button>
      ) : kind === 'form' ? (
        full
      ) : (
        <p class="t" role="status">
          {t('widget.reserved', { time: formatDate(hold!.expiresAt, cfg.locale, true) })}
        </p>
      ),
      body,
    );
  }

  async function sync() {
    const adapter = adapterFor(document);
    if (!adapter) return;
    const slots = adapter.slots(document);
    const missing = [...new Set([...adapter.ids(document), ...slots.map((s) => s.variantId)])].filter((id) => !(id in known)).slice(0, 50);
    if (missing.length) {
      const config = await api.config(cfg, missing);
      shop = config.shop;
      for (const id of missing) known[id] = config.variants[id] ?? null;
    }
    if (hold === undefined) {
      hold = await api
        .hold(cfg, holdToken!)
        .then(({ hold: h }) => (h.status === 'active' ? h : null))
        .catch(() => null);
    }
    for (const m of [...mounts.values()]) {
      const slot = slots.find((s) => s.anchor === m.anchor);
      if (!slot || !m.host.isConnected || slot.variantId !== m.variantId || kindFor(slot) !== m.kind) unmount(m);
    }
    for (const slot of slots) {
      const kind = kindFor(slot);
      if (kind && !mounts.has(slot.anchor)) mount(slot, kind);
    }
  }

  let timer = 0;
  let href = location.href;
  function schedule() {
    clearTimeout(timer);
    // A guest never throws into the host page: a failure leaves the page as it was.
    timer = window.setTimeout(() => sync().catch(() => {}), 30);
  }
  // Variant switches arrive as change events, re-rendered sections (DOM changes) or ?variant= in the URL.
  new MutationObserver((records) => {
    if (records.some((r) => !(r.target as Element).closest?.('waitline-form') && !(r.type === 'childList' && [...r.addedNodes, ...r.removedNodes].every((n) => n.nodeName === 'WAITLINE-FORM')))) schedule();
  }).observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['value', 'disabled', 'class'] });
  addEventListener('change', schedule, true);
  addEventListener('popstate', schedule);
  setInterval(() => href !== location.href && ((href = location.href), schedule()), 500);
  schedule();
}

try {
  const cfg = readScriptConfig(document.currentScript as HTMLScriptElement | null);
  if (cfg) start(cfg);
} catch {
  // never into the host page
}
