/**
 * The HTML the dashboard previews: the message as sent, minus its tracking.
 * Loading the open pixel from the preview would record an open (and so cancel
 * that person's follow-up); a tracked link would record a click. The pixel is
 * dropped and each tracked link points straight at its target.
 */
export function untracked(html: string, publicUrl: string): string {
  const base = escapeRegExp(escapeAttr(publicUrl));
  const pixel = new RegExp(`<img\\b[^>]*\\bsrc="${base}/t/o/[^"]*"[^>]*>`, 'g');
  const link = new RegExp(`href="(${base}/t/c/[^"]*)"`, 'g');
  return html.replace(pixel, '').replace(link, (_whole, tracked: string) => {
    const target = new URL(unescapeAttr(tracked)).searchParams.get('u');
    return target ? `href="${escapeAttr(target)}"` : 'href="#"';
  });
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const unescapeAttr = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
