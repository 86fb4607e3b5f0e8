import type { Context } from 'hono';
import { formatDate, formatTime, money, translate, type StringKey } from '../../emails/index.ts';
import type { Shop } from '../../db/schema/index.ts';
import { createRouter, type AppEnv } from '../context.ts';
import { cancelSignup } from '../services/signups/status.ts';
import { AppError } from '../lib/errors.ts';
import { localDate } from '../lib/local-days.ts';
import { doc } from '../lib/openapi.ts';
import { page } from '../pages/layout.tsx';
import type { BackorderEvent, BackorderStatusView, Range } from '../services/status/backorder.ts';
import { statusByToken } from '../services/status/find.ts';
import type { PlaceEvent, PlaceStatusView } from '../services/status/place.ts';
import { requestFromStatusPage, type StatusRequest } from '../services/status/request.ts';
import { itemName } from '../services/variants/upsert.ts';

const TOKEN = /^[A-Za-z0-9_-]{10,64}$/;
/** What a POST says back after its redirect: a fixed word, never text from the request. */
const NOTES = { kept: 'page.status.kept', switched: 'page.status.switched', called: 'page.status.called' } as const;
type Note = keyof typeof NOTES;

export type T = (key: StringKey, vars?: Record<string, string | number>) => string;
export const translator = (locale: string, shop: Shop, base: Record<string, string | number>): T => (key, vars = {}) =>
  translate(locale, key, { shop: shop.name, ...base, ...vars }, shop.settings.strings);

export const plain = (c: Context<AppEnv>, status: 400 | 404 | 409 | 429, key: StringKey, locale = 'en') =>
  c.html(page({ title: translate(locale, key), lang: locale, children: null }), status);

const day = (at: Date, shop: Shop, locale: string) => formatDate(localDate(at.getTime(), shop.settings.timezone), locale);
const range = (r: Range, locale: string) => `${formatDate(r.earliest, locale)} – ${formatDate(r.latest, locale)}`;

function backorderEvent(e: BackorderEvent, t: T, v: BackorderStatusView): string {
  const locale = v.line.locale;
  switch (e.kind) {
    case 'ordered': return t('page.status.event.ordered', { quantity: v.line.quantity });
    case 'eta': {
      const moved = e.from ? t('page.status.event.eta', { from: range(e.from, locale), to: range(e.to, locale) }) : t('page.status.event.etaSet', { to: range(e.to, locale) });
      return e.reason ? `${moved}. ${t('page.status.event.reason', { reason: e.reason })}` : moved;
    }
    case 'refunded': return t('page.status.event.refunded', { amount: money(e.amount, v.line.currency, locale) });
    case 'message': return t('page.status.event.message', { subject: e.subject });
    case 'reply': return t('page.status.event.reply', { text: e.text });
    default: return t(`page.status.event.${e.kind}`);
  }
}

function placeEvent(e: PlaceEvent, t: T, v: PlaceStatusView): string {
  if (e.kind === 'joined') return t(e.line === 'preorder' ? 'page.status.event.preordered' : 'page.status.event.joined');
  if (e.kind === 'reply') return t('page.status.event.reply', { text: e.text });
  if (e.kind === 'offered') return t('page.status.event.offered', { time: formatTime(e.until, v.signup.locale, v.shop.settings.timezone) });
  return t(`page.status.event.${e.kind}`);
}

function Timeline(props: { t: T; items: Array<{ at: Date; text: string }>; shop: Shop; locale: string }) {
  return (
    <>
      <h2>{props.t('page.status.timeline')}</h2>
      <ul>
        {props.items.map((e) => (
          <li>
            <time datetime={e.at.toISOString()}>{formatTime(e.at, props.locale, props.shop.settings.timezone)}</time> · {e.text}
          </li>
        ))}
      </ul>
    </>
  );
}

function backorderPage(v: BackorderStatusView, note: Note | null): string {
  const { line, shop } = v;
  const locale = line.locale;
  const t = translator(locale, shop, { item: itemName(v.variant), order: line.orderName, quantity: v.owed });
  const next = v.nextUpdateAt ? day(v.nextUpdateAt, shop, locale) : null;
  const tracking = line.tracking;
  const parcel = [tracking?.carrier, tracking?.trackingNumber].filter(Boolean).join(' ');
  const open = v.status === 'open';
  const source = v.etaSource === 'merchant' ? 'page.status.source.merchant' : v.etaSource === 'history' ? 'page.status.source.history' : v.etaSource === 'quote' ? 'page.status.source.quote' : null;
  const noteText = note === 'kept' ? (next ? t('page.status.kept', { date: next }) : t('page.status.keptUndated')) : note ? t(NOTES[note]) : null;
  const image = v.variant.imageUrl?.startsWith('https://') ? v.variant.imageUrl : null;
  return page({
    title: t('page.status.order.title'),
    shop: shop.name,
    lang: locale,
    children: (
      <>
        {noteText ? <p role="status"><strong>{noteText}</strong></p> : null}
        {image ? <img src={image} alt="" width={96} height={96} style="object-fit:cover;border-radius:6px" /> : null}
        <p>{t('page.status.order.item')}</p>
        <p><strong>{t(`page.status.order.${v.status}`)}</strong></p>
        {v.status === 'shipped' && parcel ? <p>{t('page.status.parcel', { parcel })}</p> : null}
        {v.status === 'shipped' && tracking?.trackingUrl?.startsWith('https://') ? <p><a href={tracking.trackingUrl}>{t('page.status.track')}</a></p> : null}
        {open ? <p>{v.eta ? t('page.status.eta', { earliest: formatDate(v.eta.earliest, locale), latest: formatDate(v.eta.latest, locale) }) : t('page.status.noEta')}</p> : null}
        {open && v.eta && source ? <p class="shop">{t(source)}</p> : null}
        {next ? <p>{t('page.status.nextUpdate', { date: next })}</p> : null}
        {open || v.status === 'allocated' ? (
          <>
            <h2>{t('page.status.actions')}</h2>
            {open ? <form method="post" action={`/s/${line.token}/keep`}><button type="submit">{t('page.status.keep')}</button></form> : null}
            {open && v.alternative && !v.requested.switch ? (
              <form method="post" action={`/s/${line.token}/switch`}><button type="submit" class="secondary">{t('page.status.switch', { alternative: v.alternative.name })}</button></form>
            ) : null}
            {v.requested.switch ? <p>{t('page.status.switched')}</p> : null}
            {v.requested.call ? <p>{t('page.status.called')}</p> : (
              <form method="post" action={`/s/${line.token}/call`}><button type="submit" class="secondary">{t('page.status.call')}</button></form>
            )}
            {open ? <p><a href={`/b/${line.token}`}>{t('page.status.cancel')}</a></p> : null}
          </>
        ) : null}
        <Timeline t={t} shop={shop} locale={locale} items={v.timeline.map((e) => ({ at: e.at, text: backorderEvent(e, t, v) }))} />
        {shop.settings.contact ? <p class="shop">{t('email.contact', { contact: shop.settings.contact })}</p> : null}
      </>
    ),
  });
}

function placePage(v: PlaceStatusView): string {
  const { shop, signup, offer } = v;
  const locale = signup.locale;
  const t = translator(locale, shop, { item: itemName(v.variant), position: v.position ?? '', status: signup.status });
  const active = ['pending', 'waiting', 'offered'].includes(signup.status);
  const status =
    signup.status === 'waiting' ? t('page.status.waiting')
    : signup.status === 'pending' ? t('page.status.pending')
    : offer ? t('page.status.offered', { time: formatTime(offer.expiresAt, locale, shop.settings.timezone) })
    : signup.status === 'purchased' ? t('page.status.purchased')
    : t('page.status.ended');
  return page({
    title: t('page.status.title'),
    shop: shop.name,
    lang: locale,
    children: (
      <>
        <p class="shop">{t(signup.kind === 'preorder' ? 'page.status.kind.preorder' : 'page.status.kind.waitlist')}</p>
        <p><strong>{status}</strong></p>
        {v.eta && active ? <p>{t('page.status.eta', { earliest: formatDate(v.eta.earliest, locale), latest: formatDate(v.eta.latest, locale) })}</p> : null}
        {offer ? <p><a href={offer.claimUrl}>{t('page.status.claim')}</a></p> : null}
        {signup.status === 'waiting' ? <p>{t('page.status.next.waiting')}</p> : null}
        {active ? <p><a href={v.leaveUrl}>{t('page.status.leave')}</a></p> : null}
        <Timeline t={t} shop={shop} locale={locale} items={v.timeline.map((e) => ({ at: e.at, text: placeEvent(e, t, v) }))} />
        {shop.settings.contact ? <p class="shop">{t('email.contact', { contact: shop.settings.contact })}</p> : null}
      </>
    ),
  });
}

/** The page for a token, or the 400/404 page; `then` runs only for a well-formed token that exists. */
async function withStatus(c: Context<AppEnv>, then: (view: Awaited<ReturnType<typeof statusByToken>>, token: string) => Promise<Response> | Response) {
  const token = c.req.param('token') ?? '';
  if (!TOKEN.test(token)) return plain(c, 400, 'page.status.badLink');
  c.header('Cache-Control', 'no-store');
  let view;
  try {
    view = await statusByToken(c.get('deps'), token);
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') return plain(c, 404, 'page.notFound');
    throw error;
  }
  return then(view, token);
}

/** A request from the page: a person gets an escalation (once per line), the customer a note after the redirect. */
const ask = (kind: StatusRequest, note: Note) => (c: Context<AppEnv>) =>
  withStatus(c, async (view, token) => {
    if (view.kind !== 'backorder') return plain(c, 404, 'page.notFound');
    try {
      await requestFromStatusPage(c.get('deps'), token, kind);
    } catch (error) {
      if (error instanceof AppError && error.code === 'conflict') return c.html(backorderPage(view, null), 409);
      throw error;
    }
    return c.redirect(`/s/${token}?note=${note}`, 303);
  });

/** The customer's status page (`/s/:token`) for a backorder line or a place, and its POST actions. The lookup is status-lookup.tsx. */
export const statusRoutes = createRouter()
  .get('/s/:token', doc('Links', 'token', "The customer's status page for a backorder line or a place: status, ETA range and source, timeline, next update, and the allowed actions (changes nothing).", { 200: { description: 'HTML page' } }), (c) =>
    withStatus(c, (view) => {
      const note = c.req.query('note');
      return c.html(view.kind === 'backorder' ? backorderPage(view, note && note in NOTES ? (note as Note) : null) : placePage(view));
    }),
  )
  .post('/s/:token', doc('Links', 'token', 'Leaves the line (form field action=leave); a hold goes to the next person.', { 200: { description: 'HTML page' } }), async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = c.req.param('token') ?? '';
    if (form.action === 'leave' && TOKEN.test(token)) {
      try {
        await cancelSignup(c.get('deps'), token);
      } catch (error) {
        // Unknown (404, rendered below), a backorder's token, or a place already used for a purchase (the page says how it ended).
        if (!(error instanceof AppError)) throw error;
      }
    }
    return withStatus(c, (view) => c.html(view.kind === 'backorder' ? backorderPage(view, null) : placePage(view)));
  })
  .post('/s/:token/keep', doc('Links', 'token', 'Keep waiting: records nothing, answers when the next update is due.', { 303: { description: 'Back to the page' } }), (c) =>
    withStatus(c, (view, token) => (view.kind === 'backorder' && view.status === 'open' ? c.redirect(`/s/${token}?note=kept`, 303) : plain(c, 404, 'page.notFound'))),
  )
  .post('/s/:token/switch', doc('Links', 'token', 'Asks to switch to the in-stock alternative: one escalation per line for a person to confirm and edit the order.', { 303: { description: 'Back to the page' } }), ask('switch_request', 'switched'))
  .post('/s/:token/call', doc('Links', 'token', 'Asks for a call: one escalation per line.', { 303: { description: 'Back to the page' } }), ask('call_request', 'called'));
