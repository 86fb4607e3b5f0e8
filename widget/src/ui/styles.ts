/** Themeable through --waitline-* custom properties set on the host page. */
export const css = `
:host{display:block;font:inherit;color:var(--waitline-text,inherit)}
form,.done{margin:0;width:100%}
.title{margin:0 0 8px;font-weight:600}
.row{display:flex;gap:8px}
label{flex:1;display:flex}
input{flex:1;min-width:0;min-height:44px;padding:0 12px;font:inherit;border:1px solid var(--waitline-border,#8a8a8a);border-radius:var(--waitline-radius,4px);background:#fff;color:#121212}
input[aria-invalid=true]{border-color:#c0392b}
button{min-height:44px;padding:0 16px;font:inherit;font-weight:600;border:0;border-radius:var(--waitline-radius,4px);background:var(--waitline-accent,#121212);color:var(--waitline-accent-text,#fff);cursor:pointer}
button[disabled]{opacity:.6}
.error{color:#c0392b;margin:6px 0 0;font-size:.9em}
.hp{position:absolute;left:-9999px;width:1px;height:1px;opacity:0}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
`;
