import { translate } from '../i18n/index.ts';
import type { RenderContext } from '../types.ts';

/** The answer to a texted "cancel my order": the confirm link first, as every order text. */
export function smsReplyCancel(props: { kind: 'order' | 'waitlist' | 'preorder'; item: string; order: string | null; url: string }, ctx: RenderContext): string {
  const key = props.kind === 'order' ? 'sms.replyCancel' : 'sms.replyLeave';
  return translate(ctx.locale, key, { shop: ctx.shop.name, item: props.item, order: props.order ?? '', url: props.url }, ctx.strings);
}
