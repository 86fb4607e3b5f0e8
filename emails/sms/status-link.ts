import { translate } from '../i18n/index.ts';
import type { RenderContext } from '../types.ts';

/** The lookup's answer by text: order name, item and the link first, as every order text. */
export function smsStatusLink(props: { item: string; order: string; url: string }, ctx: RenderContext): string {
  return translate(ctx.locale, 'sms.statusLink', { shop: ctx.shop.name, item: props.item, order: props.order, url: props.url }, ctx.strings);
}
