import type { ProductInfo, RenderContext, RenderedEmail } from './types.ts';
import { formatDate, translate, type StringKey } from './i18n/index.ts';
import { esc, piece } from './mjml/kit.ts';
import { money, safeImageUrl } from './parts.ts';

/** Content of an email, written once and rendered to both the HTML and the text part. */
export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'button'; label: string; url: string }
  | { kind: 'link'; label: string; url: string }
  /** The item itself: its name, the variant, a picture and the price where the shop gave them. */
  | { kind: 'product'; title: string; variant: string; imageUrl: string | null; price: string | null };

export interface EmailContent {
  subject: string;
  heading: string;
  blocks: Block[];
  /** The inbox's preview line; the first paragraph when not given. */
  preheader?: string;
  /** An extra footer link, such as "leave this waitlist". */
  footerLink?: { label: string; url: string };
}

/**
 * The item a message is about, as a block: the shop's title, variant, picture
 * (https only) and price where known, else the item's name alone.
 */
export function productBlock(ctx: RenderContext, item: string, product: ProductInfo | undefined): Block {
  const price = product?.price != null && product.currency ? money(product.price, product.currency, ctx.locale) : null;
  return {
    kind: 'product',
    title: product?.title || item,
    variant: product?.variant ?? '',
    imageUrl: safeImageUrl(product?.imageUrl),
    price: price && translate(ctx.locale, 'offer.price', { price }, ctx.strings),
  };
}

/** The footer's reason line; without one set, the neutral line that is true of every message. */
function reason(ctx: RenderContext): string {
  const { audience, item } = ctx.footer ?? { audience: 'contact', item: '' };
  const key: StringKey = audience === 'waitlist' ? 'email.footer.reason' : `email.footer.${audience}`;
  return translate(ctx.locale, key, { shop: ctx.shop.name, item }, ctx.strings);
}

/** Order mails are transactional: there is no waitlist to leave. */
const footerLink = (content: EmailContent, ctx: RenderContext) => (ctx.footer?.audience === 'order' ? undefined : content.footerLink);

const t = (ctx: RenderContext, key: StringKey, vars: Record<string, string> = {}) => translate(ctx.locale, key, { shop: ctx.shop.name, ...vars }, ctx.strings);

/** WCAG relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}
const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/**
 * The brand colour as buttons and links can use it: the button's text is
 * white or near-black, whichever reads on it; a link takes the colour only
 * where it reads on white (4.5:1), else stays ink.
 */
function palette(color: string) {
  const brand = /^#[0-9a-f]{6}$/i.test(color) ? color.toLowerCase() : '#1a1a1a';
  const l = luminance(brand);
  return { brand, brandText: contrast(l, 1) >= contrast(l, luminance('#1a1a1a')) ? '#ffffff' : '#1a1a1a', ink: contrast(l, 1) >= 4.5 ? brand : '#1a1a1a' };
}

/** Fills the space after the preheader, so inboxes do not pull the body's first words in behind it. */
const PREVIEW_PAD = '&#847;&zwnj;&nbsp;'.repeat(60);

function renderBlock(block: Block, ctx: RenderContext, colours: ReturnType<typeof palette>): string {
  switch (block.kind) {
    case 'p':
      return piece('p', { text: esc(block.text) });
    case 'button':
      return piece('button', { ...colours, url: esc(ctx.track ? ctx.track.link(block.url) : block.url), label: esc(block.label) });
    case 'link':
      return piece('link', { ink: colours.ink, url: esc(block.url), label: esc(block.label) });
    case 'product': {
      const details = { title: esc(block.title), variant: esc(block.variant), price: esc(block.price ?? '') };
      return block.imageUrl ? piece('product-image', { ...details, image: esc(block.imageUrl), alt: esc(block.title) }) : piece('product', details);
    }
  }
}

function renderHtml(content: EmailContent, ctx: RenderContext, subject: string): string {
  const colours = palette(ctx.brand.color);
  const logo = safeImageUrl(ctx.brand.logoUrl);
  const firstParagraph = content.blocks.find((b) => b.kind === 'p')?.text ?? '';
  const link = footerLink(content, ctx);
  const links = [
    ...(link ? [`<a href="${esc(link.url)}">${esc(link.label)}</a>`] : []),
    `<a href="${esc(ctx.unsubscribeUrl)}">${esc(t(ctx, 'email.footer.unsubscribe'))}</a>`,
  ].join(' · ');
  const html = [
    piece('head', { title: esc(subject), preheader: esc(content.preheader ?? firstParagraph) + PREVIEW_PAD }).replace(/ lang="und"/g, ` lang="${esc(ctx.locale)}"`),
    logo ? piece('logo', { logo: esc(logo), shop: esc(ctx.shop.name) }) : piece('name', { shop: esc(ctx.shop.name) }),
    piece('heading', { ...colours, text: esc(content.heading) }),
    ...content.blocks.map((block) => renderBlock(block, ctx, colours)),
    ctx.contact ? piece('p', { text: esc(t(ctx, 'email.contact', { contact: ctx.contact })) }) : '',
    piece('end'),
    piece('footer', {
      reason: esc(reason(ctx)),
      sender: esc([ctx.sender.name, ctx.sender.address].filter(Boolean).join(' · ')),
      links,
    }),
    ctx.track ? `<img src="${esc(ctx.track.pixelUrl)}" width="1" height="1" alt="" style="display:block;border:0;height:1px;width:1px" />` : '',
    piece('tail'),
  ];
  return html.join('');
}

function renderText(content: EmailContent, ctx: RenderContext): string {
  const lines = [content.heading, ''];
  for (const block of content.blocks) {
    if (block.kind === 'product') {
      lines.push([block.title, block.variant, block.price].filter(Boolean).join('\n'), '');
      continue;
    }
    const url = block.kind === 'button' && ctx.track ? ctx.track.link(block.url) : block.kind === 'p' ? '' : block.url;
    lines.push(block.kind === 'p' ? block.text : `${block.label}: ${url}`, '');
  }
  if (ctx.contact) lines.push(t(ctx, 'email.contact', { contact: ctx.contact }), '');
  lines.push('--', reason(ctx));
  lines.push([ctx.sender.name, ctx.sender.address].filter(Boolean).join(' · '));
  const link = footerLink(content, ctx);
  if (link) lines.push(`${link.label}: ${link.url}`);
  lines.push(`${t(ctx, 'email.footer.unsubscribe')}: ${ctx.unsubscribeUrl}`);
  return lines.join('\n');
}

/** The order's name, above the body, for messages that do not say it themselves. */
const statusLead = (ctx: RenderContext): Block[] => (ctx.status?.order ? [{ kind: 'p', text: t(ctx, 'email.status.order', { order: ctx.status.order }) }] : []);

/** When the customer hears next (a day in the shop's time zone) and where to look meanwhile. */
function statusTail(ctx: RenderContext): Block[] {
  const status = ctx.status;
  if (!status) return [];
  const blocks: Block[] = [];
  if (status.nextUpdate) {
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(status.nextUpdate));
    blocks.push({ kind: 'p', text: t(ctx, 'email.status.next', { date: formatDate(day, ctx.locale) }) });
  }
  blocks.push({ kind: 'link', label: t(ctx, 'email.status.link'), url: status.url });
  return blocks;
}

/** One description, two parts: every merchant and shopper string is escaped into the HTML. */
export function renderEmail(content: EmailContent, ctx: RenderContext): RenderedEmail {
  // A subject is one header line: never let content break it.
  const subject = content.subject.replace(/[\r\n]+/g, ' ').trim();
  // Every message about an item shows it, right under the heading.
  const item = ctx.footer?.item;
  const card = item && !content.blocks.some((b) => b.kind === 'product') ? [productBlock(ctx, item, ctx.product)] : [];
  const full = { ...content, blocks: [...card, ...statusLead(ctx), ...content.blocks, ...statusTail(ctx)] };
  return { subject, html: renderHtml(full, ctx, subject), text: renderText(full, ctx) };
}
