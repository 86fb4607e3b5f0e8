/** Longest reply we keep: enough for any real answer, and a bound on what the rules and the timeline hold. */
export const MAX_OWN_WORDS = 4000;

const ATTRIBUTION = [/^on\b.{0,300}\bwrote:?$/i, /^le\b.{0,300}\ba [ée]crit ?:?$/i];
const HISTORY = [
  /^-{2,} ?(?:original message|message d'origine|forwarded message|message transf[ée]r[ée]) ?-{2,}/i,
  /^_{10,}$/,
  /^--$/, // the "-- " signature delimiter, after trimming
  /^(?:sent from (?:my|yahoo|mail|outlook)|envoy[ée] (?:de|depuis) (?:mon|ma|yahoo|l'application|outlook)|get outlook for|obtenir outlook pour|t[ée]l[ée]charger outlook)\b/i,
  // Outlook flattened onto one line: "From: Shop Sent: Monday ... To: ... Subject: ..."
  /^\*?(?:from|de) ?:.{0,300}\b(?:sent|envoy[ée]|date) ?:/i,
];
const HEADER_FROM = /^\*?(?:from|de) ?:\*? ?\S/i;
const HEADER_NEXT = /^\*?(?:sent|date|envoy[ée]|to|à|a|cc|subject|objet) ?:/i;

function cap(text: string): string {
  if (text.length <= MAX_OWN_WORDS) return text;
  const cut = text.slice(0, MAX_OWN_WORDS);
  // Never end on half of a surrogate pair (an emoji cut in two).
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * Gmail wraps a long "On <date>, <name> wrote:" line, so up to three lines are joined; never across a
 * blank line or a finished sentence, and only with a date or time in it, so the sender's own
 * "On second thought…" stays theirs.
 */
function attributionAt(lines: string[], i: number): number {
  let joined = '';
  for (let n = 0; n < 3 && i + n < lines.length; n++) {
    const line = lines[i + n]!.trim();
    if (line === '' || (n > 0 && /[.!?]$/.test(joined))) return 0;
    joined = `${joined} ${line}`.trim();
    if (joined.length > 400) return 0;
    if (/\d/.test(joined) && ATTRIBUTION.some((re) => re.test(joined))) return n + 1;
  }
  return 0;
}

function headerBlockAt(lines: string[], i: number): boolean {
  if (!HEADER_FROM.test(lines[i]!.trim())) return false;
  return lines.slice(i + 1, i + 4).some((line) => HEADER_NEXT.test(line.trim()));
}

/**
 * The part of a plain-text email reply its sender wrote: quoted history, the client's attribution and
 * header blocks, and the signature go. Our own email sits in that history with its cancel link, so a
 * reply read whole would ask to cancel every time. Lines quoted with ">" are dropped one by one, which
 * keeps answers written between them; an attribution above the sender's text (bottom-posting) is
 * dropped rather than taken as the end.
 */
export function ownWords(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  let wrote = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line.startsWith('>')) continue;
    const attribution = attributionAt(lines, i);
    if (attribution > 0) {
      if (wrote) break;
      i += attribution - 1;
      continue;
    }
    if (HISTORY.some((re) => re.test(line)) || headerBlockAt(lines, i)) break;
    kept.push(lines[i]!.trimEnd());
    wrote ||= line !== '';
  }
  return cap(kept.join('\n').replace(/\n{3,}/g, '\n\n').trim());
}

const ENTITIES: Record<string, string> = {
  nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“', laquo: '«', raquo: '»',
  hellip: '…', mdash: '—', ndash: '–', euro: '€', copy: '©', eacute: 'é', egrave: 'è', ecirc: 'ê', euml: 'ë', agrave: 'à', acirc: 'â',
  ccedil: 'ç', icirc: 'î', iuml: 'ï', ocirc: 'ô', ugrave: 'ù', ucirc: 'û', uuml: 'ü', oelig: 'œ', Eacute: 'É', Egrave: 'È', Agrave: 'À', Ccedil: 'Ç',
};

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name] ?? ENTITIES[name.toLowerCase()] ?? whole;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

const BLOCKS = new Set(['p', 'div', 'tr', 'li', 'ul', 'ol', 'table', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'section', 'article', 'header', 'footer', 'pre']);
/** Elements whose content is never the sender's words. */
const DROPPED = new Set(['head', 'blockquote', 'template']);
const RAW_TEXT = new Set(['style', 'script', 'title', 'textarea']);
const QUOTE_DIV = /\bclass\s*=\s*["']?[^"'>]{0,200}\b(?:gmail_quote|yahoo_quoted)\b/i;

/**
 * Plain text from an HTML-only reply: tags go, entities are decoded, <br>, <p> and <div> keep their
 * line breaks, and <blockquote> and Gmail's quote div go with their content. An <hr> becomes the
 * separator line Outlook puts in plain text, so ownWords cuts the history that follows it. A scan,
 * not regular expressions over the whole document, so nested or unclosed tags cost linear time.
 */
export function htmlToText(html: string): string {
  const out: string[] = [];
  let skip: { name: string; depth: number } | null = null;
  let at = 0;
  const atLineStart = () => out.length === 0 || out[out.length - 1]!.endsWith('\n');
  // Nested blocks (<div><div>, </li><li>) make one line break, not one each; <br> always makes its own.
  const block = (then = '') => out.push(atLineStart() ? then : `\n${then}`);
  while (at < html.length) {
    const open = html.indexOf('<', at);
    const text = html.slice(at, open === -1 ? html.length : open);
    if (!skip && text && (/\S/.test(text) || !atLineStart())) out.push(text.replace(/\s+/g, ' '));
    if (open === -1) break;
    if (html.startsWith('<!--', open)) {
      const end = html.indexOf('-->', open + 4);
      at = end === -1 ? html.length : end + 3;
      continue;
    }
    if (!/[a-z/!?]/i.test(html[open + 1] ?? '')) {
      // "3 < 5" is text to a browser, and so here.
      if (!skip) out.push('<');
      at = open + 1;
      continue;
    }
    const close = html.indexOf('>', open + 1);
    if (close === -1) break;
    const tag = html.slice(open + 1, close);
    at = close + 1;
    const m = /^(\/?)([a-z][a-z0-9]*)/i.exec(tag);
    if (!m) continue;
    const closing = m[1] === '/';
    const name = m[2]!.toLowerCase();
    if (skip) {
      if (name === skip.name && !tag.endsWith('/')) skip.depth += closing ? -1 : 1;
      if (skip.depth === 0) skip = null;
      continue;
    }
    if (!closing && RAW_TEXT.has(name)) {
      // Their content may hold "<" and is never markup: jump to the closing tag.
      const end = new RegExp(`</${name}\\s*>`, 'gi');
      end.lastIndex = at;
      at = end.exec(html) ? end.lastIndex : html.length;
      continue;
    }
    if (!closing && (DROPPED.has(name) || (name === 'div' && QUOTE_DIV.test(tag)))) {
      if (!tag.endsWith('/')) skip = { name, depth: 1 };
      continue;
    }
    if (name === 'br') out.push('\n');
    else if (name === 'hr') block('________________________________\n');
    else if (name === 'li' && !closing) block('- ');
    else if (BLOCKS.has(name)) block();
  }
  const text = decode(out.join(''))
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return cap(text);
}
