import { renderEmail } from './layout.ts';
import { formatTime, translate, type StringKey } from './i18n/index.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface StillInterestedProps {
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  /** Which line the place is in; the footer says why this person hears from the shop. */
  kind?: 'waitlist' | 'preorder';
  position: number;
  keepUrl: string;
  /** ISO 8601: when the place lapses unless kept. */
  deadline: string;
  leaveUrl: string;
}

/** signupTtl's last word before a place lapses: one tap keeps it. */
export function stillInterested(props: StillInterestedProps, ctx: RenderContext): RenderedEmail {
  const vars = { item: props.item, position: props.position, time: formatTime(new Date(props.deadline), ctx.locale, ctx.timeZone) };
  const t = (key: StringKey) => translate(ctx.locale, key, vars, ctx.strings);
  return renderEmail(
    {
      subject: t('lapse.subject'),
      heading: t('lapse.heading'),
      blocks: [
        { kind: 'p', text: t('lapse.body') },
        { kind: 'button', label: t('lapse.button'), url: props.keepUrl },
        { kind: 'p', text: t('lapse.after') },
      ],
      footerLink: { label: t('email.footer.leave'), url: props.leaveUrl },
    },
    ctx,
  );
}
