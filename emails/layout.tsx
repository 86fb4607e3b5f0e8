import { render } from 'preact-render-to-string';
import type { RenderContext, RenderedEmail } from './types.ts';
import { translate, type StringKey } from './i18n/index.ts';

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
  /** An extra footer link, such as "leave this waitlist". */
  footerLink?: { label: string; url: string };
}

const styles = {
  body: 'margin:0;padding:24px;background:#f6f6f4;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1a1a1a;',
  card: 'max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px;',
  shop: 'font-size:14px;color:#6b6b6b;margin:0 0 16px;',
  h1: 'font-size:22px;line-height:1.3;margin:0 0 16px;',
  p: 'font-size:16px;line-height:1.5;margin:0 0 16px;',
  button:
    'display:inline-block;background:#1a1a1a;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:600;',
  image: 'display:block;max-width:100%;height:auto;border-radius:6px;margin:0 0 12px;',
  product: 'font-size:16px;line-height:1.5;margin:0 0 16px;padding:16px;border:1px solid #e6e6e3;border-radius:6px;',
  footer: 'max-width:560px;margin:16px auto 0;font-size:12px;line-height:1.5;color:#6b6b6b;',
};

function BlockView({ block, track }: { block: Block; track: RenderContext['track'] }) {
  switch (block.kind) {
    case 'p':
      return <p style={styles.p}>{block.text}</p>;
    case 'button':
      return (
        <p style={styles.p}>
          <a href={track ? track.link(block.url) : block.url} style={styles.button}>
            {block.label}
          </a>
        </p>
      );
    case 'link':
      return (
        <p style={styles.p}>
          <a href={block.url}>{block.label}</a>
        </p>
      );
    case 'product':
      return (
        <div style={styles.product}>
          {block.imageUrl ? <img src={block.imageUrl} alt={block.title} width={240} style={styles.image} /> : null}
          <strong>{block.title}</strong>
          {block.variant ? <><br />{block.variant}</> : null}
          {block.price ? <><br />{block.price}</> : null}
        </div>
      );
  }
}

/** The footer's reason line; without one set, the neutral line that is true of every message. */
function reason(ctx: RenderContext): string {
  const { audience, item } = ctx.footer ?? { audience: 'contact', item: '' };
  const key: StringKey = audience === 'waitlist' ? 'email.footer.reason' : `email.footer.${audience}`;
  return translate(ctx.locale, key, { shop: ctx.shop.name, item }, ctx.strings);
}

/** Order mails are transactional: there is no waitlist to leave. */
const footerLink = (content: EmailContent, ctx: RenderContext) => (ctx.footer?.audience === 'order' ? undefined : content.footerLink);

function Layout({ content, ctx }: { content: EmailContent; ctx: RenderContext }) {
  const t = (key: StringKey, vars: Record<string, string> = {}) =>
    translate(ctx.locale, key, { shop: ctx.shop.name, ...vars }, ctx.strings);
  const link = footerLink(content, ctx);
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{content.subject}</title>
      </head>
      <body style={styles.body}>
        <div style={styles.card}>
          <p style={styles.shop}>{ctx.shop.name}</p>
          <h1 style={styles.h1}>{content.heading}</h1>
          {content.blocks.map((block, i) => (
            <BlockView key={i} block={block} track={ctx.track} />
          ))}
          {ctx.contact ? <p style={styles.p}>{t('email.contact', { contact: ctx.contact })}</p> : null}
        </div>
        <div style={styles.footer}>
          <p>{reason(ctx)}</p>
          <p>
            {ctx.sender.name}
            {ctx.sender.address ? ` · ${ctx.sender.address}` : ''}
          </p>
          <p>
            {link ? (
              <>
                <a href={link.url}>{link.label}</a>
                {' · '}
              </>
            ) : null}
            <a href={ctx.unsubscribeUrl}>{t('email.footer.unsubscribe')}</a>
          </p>
        </div>
        {ctx.track ? <img src={ctx.track.pixelUrl} width={1} height={1} alt="" style="display:block;border:0" /> : null}
      </body>
    </html>
  );
}

function renderText(content: EmailContent, ctx: RenderContext): string {
  const t = (key: StringKey, vars: Record<string, string> = {}) =>
    translate(ctx.locale, key, { shop: ctx.shop.name, ...vars }, ctx.strings);
  const lines = [content.heading, ''];
  for (const block of content.blocks) {
    if (block.kind === 'product') {
      lines.push([block.title, block.variant, block.price].filter(Boolean).join('\n'), '');
      continue;
    }
    const url = block.kind === 'button' && ctx.track ? ctx.track.link(block.url) : block.kind === 'p' ? '' : block.url;
    lines.push(block.kind === 'p' ? block.text : `${block.label}: ${url}`, '');
  }
  if (ctx.contact) lines.push(t('email.contact', { contact: ctx.contact }), '');
  lines.push('--', reason(ctx));
  lines.push([ctx.sender.name, ctx.sender.address].filter(Boolean).join(' · '));
  const link = footerLink(content, ctx);
  if (link) lines.push(`${link.label}: ${link.url}`);
  lines.push(`${t('email.footer.unsubscribe')}: ${ctx.unsubscribeUrl}`);
  return lines.join('\n');
}

/** One description, two parts: Preact escapes every merchant and shopper string in the HTML. */
export function renderEmail(content: EmailContent, ctx: RenderContext): RenderedEmail {
  return {
    // A subject is one header line: never let content break it.
    subject: content.subject.replace(/[\r\n]+/g, ' ').trim(),
    html: `<!doctype html>${render(<Layout content={content} ctx={ctx} />)}`,
    text: renderText(content, ctx),
  };
}
