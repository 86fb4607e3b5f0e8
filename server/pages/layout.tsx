import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';

const css = `
body{margin:0;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;background:#f6f6f4;color:#1a1a1a}
main{max-width:480px;margin:10vh auto;background:#fff;border-radius:8px;padding:32px}
h1{font-size:22px;margin:0 0 16px}p{line-height:1.5}
button{font:inherit;padding:10px 16px;border-radius:6px;border:1px solid #1a1a1a;background:#1a1a1a;color:#fff;cursor:pointer;margin:4px 0}
button.secondary{background:#fff;color:#1a1a1a}.shop{color:#6b6b6b;font-size:14px}`;

/** A small server-rendered page; Preact escapes every string put into it. */
export function page(args: { title: string; shop?: string; lang?: string; children: ComponentChildren }): string {
  return `<!doctype html>${render(
    <html lang={args.lang ?? 'en'}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{args.title}</title>
        <style>{css}</style>
      </head>
      <body>
        <main>
          {args.shop ? <p class="shop">{args.shop}</p> : null}
          <h1>{args.title}</h1>
          {args.children}
        </main>
      </body>
    </html>,
  )}`;
}
