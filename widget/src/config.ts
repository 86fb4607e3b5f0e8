/** Read once from the script tag, as Plausible and umami do: the API is the script's own origin. */
export interface WidgetConfig {
  key: string;
  api: string;
  locale: string;
  /** `data-mode-override`: force every variant's mode on this page. */
  mode?: Mode;
}

export type Mode = 'waitlist' | 'preorder' | 'off';

export interface VariantConfig {
  mode: Mode;
  available: number;
  eta: { earliest: string; latest: string } | null;
  preorderRemaining: number | null;
  queueLength: number;
}

export interface ShopConfig {
  /** `strings`: every widget string in the shopper's locale, the shop's overrides merged (the bundle carries none). */
  shop: { name: string; locale: string; strings: Record<string, string>; theme: Record<string, string> };
  variants: Record<string, VariantConfig>;
}

const MODES = ['waitlist', 'preorder', 'off'];

/** Garbage in the attributes gives no widget or a default, never an error in the host page. */
export function readScriptConfig(script: HTMLScriptElement | null): WidgetConfig | null {
  const data = script?.dataset;
  const key = data?.key;
  if (!script || !key || !/^pk_[\w-]{8,}$/.test(key)) return null;
  let api = new URL(script.src).origin;
  try {
    if (data.api) api = new URL(data.api).origin;
  } catch {
    // keep the script's own origin
  }
  const tag = data.locale || document.documentElement.lang || navigator.language;
  const mode = data.modeOverride;
  return {
    key,
    api,
    locale: /^[a-z]{2,3}(-[\w]{2,8})*$/i.test(tag) ? tag : 'en',
    mode: mode && MODES.includes(mode) ? (mode as Mode) : undefined,
  };
}
