/**
 * Content-Security-Policy for the pages we serve to people (the dashboard and
 * the API docs): scripts and styles only from our own origin, no plugins, not
 * framable, no <base> rewrites, forms post only to us. The dashboard holds the
 * secret key, so an injected script is the threat that matters.
 */
const COMMON = ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"];

/**
 * The dashboard. Styles allow 'unsafe-inline' for one reason: the message log
 * shows each email's HTML in a sandboxed srcdoc frame, which inherits this
 * policy, and emails are styled inline. Scripts stay 'self' only (the frame is
 * sandboxed without allow-scripts anyway). Images may be remote (https:) so a
 * previewed email shows its product pictures.
 */
export const ADMIN_CSP = [...COMMON, "style-src 'self' 'unsafe-inline'", "img-src 'self' data: https:", "connect-src 'self'", "frame-src 'self'"].join('; ');

/** The docs page: Swagger UI served from our origin; its stylesheet draws icons as data: images. "Try it out" calls PUBLIC_URL. */
export const docsCsp = (publicUrl: string) =>
  [...COMMON, "style-src 'self'", "img-src 'self' data:", `connect-src 'self' ${new URL(publicUrl).origin}`].join('; ');
