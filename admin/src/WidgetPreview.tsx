import { useEffect, useState } from 'preact/hooks';
import { fr } from '../../widget/i18n/fr.ts';
import { en } from '../../widget/i18n/en.ts';

/** The catalogs the widget ships with, as the server merges them (settings/widget-strings.ts). */
export const CATALOGS: Record<string, Record<string, string>> = { en, fr };
export const STRING_KEYS = Object.keys(en);

export interface Look {
  locale: string;
  shopName: string;
  strings: Record<string, string>;
  theme: Record<string, string>;
  mode: 'waitlist' | 'preorder';
}

const json = (v: unknown) => JSON.stringify(v);
const attr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The real built widget on a stand-in product page, fed the draft strings and
 * theme instead of the saved ones: a stand-in API script (served by us, as the
 * dashboard's CSP allows no inline script, and this frame inherits it) answers
 * the widget's config and signup requests from its data attributes, so a
 * preview never writes a signup. The frame may run scripts but has no origin
 * of its own, so it cannot reach the admin session.
 */
function page(look: Look, origin: string): string {
  const config = {
    shop: { name: look.shopName, locale: look.locale, strings: look.strings, theme: look.theme },
    variants: { preview: { mode: look.mode, available: 0, eta: { earliest: '2027-03-10', latest: '2027-03-21' }, preorderRemaining: look.mode === 'preorder' ? 12 : null, queueLength: 41 } },
  };
  const signup = { signup: { token: 'preview_token_0000', status: 'waiting', position: 42, kind: look.mode, variantId: 'preview' } };
  return `<!doctype html><html lang="${attr(look.locale)}"><head><meta charset="utf-8"><style>body{font-family:system-ui,sans-serif;margin:16px;color:#121212}h1{font-size:20px;font-weight:500;margin:0 0 4px}</style></head>
<body><h1>Your product</h1><p>$25.00</p><button data-waitline-variant="preview" disabled>Sold out</button>
<script src="${origin}/admin/widget-preview.js" data-config="${attr(json(config))}" data-signup="${attr(json(signup))}"></script>
<script src="${origin}/widget.js" data-key="pk_preview_only" data-locale="${attr(look.locale)}"></script></body></html>`;
}

/** Re-rendered a moment after the last keystroke, so typing stays smooth. */
export function WidgetPreview({ look }: { look: Look }) {
  const [doc, setDoc] = useState(() => page(look, location.origin));
  useEffect(() => {
    const t = setTimeout(() => setDoc(page(look, location.origin)), 250);
    return () => clearTimeout(t);
  }, [JSON.stringify(look)]);
  return <iframe title="Widget preview" class="widget-preview" sandbox="allow-scripts allow-forms" srcdoc={doc} />;
}
