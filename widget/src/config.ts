/** Read once from the script tag, as Plausible and umami do: the API is the script's own origin. */
export interface WidgetConfig {
  key: string;
  api: string;
  locale: string;
}

export function readScriptConfig(script: HTMLScriptElement | null): WidgetConfig | null {
  const key = script?.dataset.key;
  if (!script || !key) return null;
  const api = (script.dataset.api || new URL(script.src, location.href).origin).replace(/\/+$/, '');
  const locale = script.dataset.locale || document.documentElement.lang || navigator.language || 'en';
  return { key, api, locale };
}

export interface VariantConfig {
  mode: 'waitlist' | 'preorder' | 'off';
  available: number;
  eta: { earliest: string; latest: string } | null;
  preorderRemaining: number | null;
  queueLength: number;
}

export interface ShopConfig {
  shop: { name: string; locale: string; strings: Record<string, Record<string, string>>; theme: Record<string, string> };
  variants: Record<string, VariantConfig>;
}
