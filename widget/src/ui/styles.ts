/**
 * Themeable through --waitline-* custom properties, from the host page's CSS or the shop's `theme`.
 * It comes with the form chunk: the loader renders nothing of its own.
 */
export const css = `
:host{display:block;color:var(--waitline-text,inherit);margin:0 0 10px}
*{box-sizing:border-box;font:inherit}
p{margin:0 0 6px}
.t{font-weight:600}
:focus-visible{outline:2px solid var(--waitline-focus,#1a73e8);outline-offset:2px}
.b{min-height:44px;padding:0 18px;border:0;border-radius:var(--waitline-radius,4px);background:var(--waitline-accent,#121212);color:var(--waitline-accent-text,#fff);font-weight:600;cursor:pointer;text-decoration:none;display:inline-flex;align-items:center}
.b[disabled]{opacity:.6}
.s{opacity:.75;font-size:.9em}
.r{display:flex;gap:8px}
input{min-width:0;min-height:44px;padding:0 12px;border:1px solid var(--waitline-border,#767676);border-radius:var(--waitline-radius,4px);background:var(--waitline-field,#fff);color:#121212}
.e{flex:1}.q{width:64px}
input[aria-invalid=true]{border-color:#b3261e}
.l{background:none;border:0;padding:0;margin:6px 0 0;color:inherit;text-decoration:underline;cursor:pointer}
.c{display:flex;gap:8px;align-items:flex-start;margin-top:8px}
.c input{min-height:0;margin-top:3px}
.g{font-size:.8em;opacity:.8;margin-top:4px}
.x{color:#b3261e;margin-top:6px}
.h{position:absolute;left:-9999px;width:1px;height:1px;opacity:0}
`;
