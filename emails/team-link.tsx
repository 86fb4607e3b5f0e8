import { renderEmail } from './layout.ts';
import { translate } from './i18n/index.ts';
import type { RenderContext, RenderedEmail } from './types.ts';

export interface TeamLinkProps {
  /** An invitation from a teammate, or a sign-in link the person asked for. */
  kind: 'invite' | 'sign_in';
  /** Who invited them, as the team knows them (an email, or "the shop owner" for the secret key). */
  inviter?: string;
  role: 'owner' | 'staff' | 'viewer';
  url: string;
  /** How long the link works, in milliseconds. */
  validMs: number;
}

/**
 * A single-use link into the shop's dashboard, sent only to the address it
 * belongs to. It says what the role allows, so the person knows what they are
 * accepting, and what to do if they did not ask.
 */
export function teamLink(props: TeamLinkProps, ctx: RenderContext): RenderedEmail {
  const vars = { shop: ctx.shop.name, inviter: props.inviter ?? '', valid: span(ctx.locale, props.validMs), role: translate(ctx.locale, `team.role.${props.role}`, {}, ctx.strings) };
  const t = (key: Parameters<typeof translate>[1]) => translate(ctx.locale, key, vars, ctx.strings);
  const invite = props.kind === 'invite';
  return renderEmail(
    {
      subject: t(invite ? 'team.subject.invite' : 'team.subject.signIn'),
      heading: t(invite ? 'team.heading.invite' : 'team.heading.signIn'),
      blocks: [
        { kind: 'p', text: t(invite ? 'team.body.invite' : 'team.body.signIn') },
        { kind: 'button', label: t(invite ? 'team.button.invite' : 'team.button.signIn'), url: props.url },
        { kind: 'p', text: t('team.valid') },
        { kind: 'p', text: t('team.ignore') },
      ],
    },
    ctx,
  );
}

const UNITS = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
] as const;

/** "15 minutes", "7 jours": the largest whole unit, in the reader's language. */
function span(locale: string, ms: number): string {
  const [unit, size] = UNITS.find(([, size]) => ms >= size && ms % size === 0) ?? ['second', 1000];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(Math.max(1, Math.round(ms / size)));
}
