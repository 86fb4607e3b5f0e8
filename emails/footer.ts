import type { ProductInfo, RenderContext, RenderedEmail, StatusInfo } from './types.ts';

/** Why this person gets this message: the footer says so, and order mails carry no "leave this waitlist" link. */
export type Audience = 'waitlist' | 'preorder' | 'order' | 'contact' | 'team';

type Render<P> = (props: P, ctx: RenderContext) => RenderedEmail;

/**
 * A template with the reason for its footer, decided from its props: the one
 * place that maps each template (emails/index.ts) to the kind of message it is.
 */
export const forAudience =
  <P,>(audience: Audience | ((props: P) => Audience), render: Render<P>): Render<P> =>
  (props, ctx) => {
    const { item, product, status } = props as { item?: unknown; product?: ProductInfo; status?: StatusInfo };
    const kind = typeof audience === 'function' ? audience(props) : audience;
    return render(props, { ...ctx, footer: { audience: kind, item: typeof item === 'string' ? item : '' }, product, status });
  };

/** A place in a line is a waitlist place unless it is a pre-order; rows stored before `kind` existed were waitlist places. */
export const lineOf = (props: { kind?: 'waitlist' | 'preorder' }): Audience => (props.kind === 'preorder' ? 'preorder' : 'waitlist');
