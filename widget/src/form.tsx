import { render } from 'preact';
import { api } from './api.ts';
import type { Mode, VariantConfig, WidgetConfig } from './config.ts';
import { Form } from './ui/Form.tsx';
import { formatDate, makeT } from './ui/strings.ts';
import { css } from './ui/styles.ts';

/**
 * The form chunk: preact, the form and the hold note, fetched by the loader (main.tsx) only
 * when a form will show, as an ES module from beside widget.js. It touches
 * nothing until called and sets no global.
 */
export interface FormProps {
  cfg: WidgetConfig;
  variantId: string;
  variant: VariantConfig;
  mode: Mode;
  /** The shop's strings for this locale (config `shop.strings`); English fills the rest. */
  strings: Record<string, string>;
  shop: string;
  /** When the shopper holds this variant (an offer link): the note with the hold's end, instead of the form. */
  held?: string;
  /** A grid card: a compact button that opens the form. */
  compact?: boolean;
}

/**
 * Renders synchronously, so the loader can hide the store's button in the same frame. A grid
 * card (`compact`) gets one small button first; the form opens in its place on a click, focused.
 */
export function show(box: HTMLElement, p: FormProps) {
  const t = makeT(p.strings);
  const paint = (body: preact.ComponentChild) => render([<style>{css}</style>, body], box);
  const form = <Form cfg={p.cfg} variantId={p.variantId} variant={p.variant} mode={p.mode} t={t} shop={p.shop} />;
  paint(
    p.held ? (
      <p class="t" role="status">
        {t('widget.reserved', { time: formatDate(p.held, p.cfg.locale, true) })}
      </p>
    ) : p.compact ? (
      <button type="button" class="b" onClick={() => (paint(form), box.querySelector('input')?.focus())}>
        {t(p.mode === 'preorder' && p.variant.preorderRemaining !== 0 ? 'widget.button.preorder' : 'widget.button')}
      </button>
    ) : (
      form
    ),
  );
}

export const hide = (box: HTMLElement) => render(null, box);

/** The hold an offer link (`?waitline_hold=`) names, if it is still active: the loader asks only on such pages. */
export const activeHold = (cfg: WidgetConfig, token: string) =>
  api.hold(cfg, token).then(({ hold }) => (hold.status === 'active' ? hold : null), () => null);
