import { renderEmail } from './layout.ts';
import { translate } from './i18n/index.ts';
import type { RenderContext, RenderedEmail } from './types.ts';

export interface ContactConfirmProps {
  kind: 'phone' | 'email' | 'resubscribe';
  /** The new number or address, masked; empty for `resubscribe`. */
  value: string;
  confirmUrl: string;
}

/**
 * Proves a change to who a contact is: a new phone or email is confirmed from
 * what the contact already has, and an opted-out address from that address.
 */
export function contactConfirm(props: ContactConfirmProps, ctx: RenderContext): RenderedEmail {
  const t = (key: Parameters<typeof translate>[1]) => translate(ctx.locale, key, { value: props.value, shop: ctx.shop.name }, ctx.strings);
  return renderEmail(
    {
      subject: t(`change.subject.${props.kind}`),
      heading: t(`change.heading.${props.kind}`),
      blocks: [
        { kind: 'p', text: t(`change.body.${props.kind}`) },
        { kind: 'button', label: t('change.button'), url: props.confirmUrl },
        { kind: 'p', text: t('change.ignore') },
      ],
    },
    ctx,
  );
}

/** The way back after an opt-out, bounce or complaint, sent to that address only when it asks. */
export const emailResubscribe = (props: { confirmUrl: string }, ctx: RenderContext): RenderedEmail =>
  contactConfirm({ kind: 'resubscribe', value: '', confirmUrl: props.confirmUrl }, ctx);
