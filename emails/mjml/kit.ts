import { readFileSync } from 'node:fs';
import mjml2html from 'mjml';

/*
 * Every email is built from the pieces of kit.mjml: a head, a logo or name
 * bar, the card's sections (heading, product, paragraph, button, link), the
 * footer and the tail. MJML turns each into table-based, Outlook-safe HTML
 * (its conditional comments are balanced within each piece, so pieces can be
 * repeated and reordered). It runs once per process, on the first email:
 * a message is then string joins, which a 10k restock can afford.
 */

/** Stand-ins MJML would refuse as `@@…@@` (its colour attributes are validated); swapped for the shop's colours. */
const BRAND = '#010203';
const BRAND_TEXT = '#040506';

export const PIECES = ['head', 'logo', 'name', 'heading', 'product-image', 'product', 'p', 'button', 'link', 'end', 'footer', 'tail'] as const;
export type Piece = (typeof PIECES)[number];

/** Values already escaped for HTML (text and attribute alike), by placeholder name. */
export type Fill = Record<string, string>;
/** A compiled piece: its static text split around placeholders, joined with the values of one message. */
type Compiled = (fill: Fill) => string;

/**
 * MJML indents its output; the indentation between tags is a third of every
 * message's bytes, and nothing in the pieces' own markup needs it (MJML sets
 * `font-size:0` where inline blocks meet), so it goes.
 */
const squeeze = (html: string) => html.replace(/>\s+</g, '><').replace(/\s{2,}/g, ' ');

function compilePiece(html: string): Compiled {
  const parts = squeeze(html).replaceAll(BRAND, '@@brand@@').replaceAll(BRAND_TEXT, '@@brandText@@').split(/@@(\w+)@@/);
  return (fill) => {
    let out = parts[0]!;
    for (let i = 1; i < parts.length; i += 2) out += (fill[parts[i]!] ?? '') + parts[i + 1]!;
    return out;
  };
}

function compileKit(): Record<Piece, Compiled> {
  const source = readFileSync(new URL('./kit.mjml', import.meta.url), 'utf8');
  // `fonts: {}`: MJML links Google Fonts for a stack naming Roboto; an email makes no third-party request.
  const { html } = mjml2html(source, { validationLevel: 'strict', keepComments: true, fonts: {} });
  const split = html.split(/<!--wl:([a-z-]+)-->/);
  const pieces: Partial<Record<Piece, Compiled>> = { head: compilePiece(split[0]!) };
  for (let i = 1; i < split.length; i += 2) pieces[split[i] as Piece] = compilePiece(split[i + 1]!);
  for (const name of PIECES) if (!pieces[name]) throw new Error(`emails/mjml/kit.mjml has no <!--wl:${name}--> piece`);
  return pieces as Record<Piece, Compiled>;
}

let kit: Record<Piece, Compiled> | undefined;

/** The compiled kit, made on first use. */
export const piece = (name: Piece, fill: Fill = {}): string => (kit ??= compileKit())[name](fill);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Merchant and shopper text, safe in HTML text and in quoted attributes. */
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
