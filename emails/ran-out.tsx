import { renderEmail } from './layout.ts';
import { formatSpan, translate, type StringKey } from './i18n/index.ts';
import type { ProductInfo, StatusInfo, RenderContext, RenderedEmail } from './types.ts';

export interface RanOutProps {
  item: string;
  /** The variant as the shop lists it, shown with its picture and price; rows written before it existed name only `item`. */
  product?: ProductInfo;
  /** The status page, the order name and the next update, for the lines every order and place message ends with. */
  status?: StatusInfo;
  /** Which line the place is in; the footer says why this person hears from the shop. */
  kind?: 'waitlist' | 'preorder';
  units: number;
  /** The place in line after this restock's offers. */
  position: number;
  holdMs: number;
  leaveUrl: string;
}

/** "Not this time, you are still #k": the truth, instead of silence. */
export function ranOut(props: RanOutProps, ctx: RenderContext): RenderedEmail {
  const vars = { item: props.item, units: props.units, position: props.position, hold: formatSpan(props.holdMs, ctx.locale) };
  const t = (key: StringKey) => translate(ctx.locale, key, vars, ctx.strings);
  return renderEmail(
    {
      subject: t('ranout.subject'),
      heading: t('ranout.heading'),
      blocks: [
        { kind: 'p', text: t('ranout.body') },
        { kind: 'p', text: t('ranout.next') },
      ],
      footerLink: { label: t('email.footer.leave'), url: props.leaveUrl },
    },
    ctx,
  );
}
