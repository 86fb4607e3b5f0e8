import type { Db } from '../../../db/index.ts';
import { messages, type Shop } from '../../../db/schema/index.ts';
import { transaction } from '../../../db/transaction.ts';
import { emailTemplates, smsTemplates, SHIPPED_LOCALES, type EmailTemplate, type RenderContext, type RenderedEmail } from '../../../emails/index.ts';
import { emailSample, emailSamples, sampleContext, smsSample, smsSamples } from '../../../emails/samples.ts';
import type { Deps } from '../../context.ts';
import { Invalid, NotFound, RateLimited } from '../../lib/errors.ts';
import { createRateLimiter, type RateLimiter } from '../../lib/rate-limit.ts';
import { rowToken } from '../../lib/tokens.ts';
import { fitSms } from '../messages/render.ts';
import { requiredPlaceholders, shippedCopy } from './copy.ts';
import { defaultSettings } from './index.ts';

type Strings = Record<string, Record<string, string>>;
type EmailRender = (props: never, ctx: RenderContext) => RenderedEmail;
type SmsRender = (props: never, ctx: RenderContext) => string;

/** Keys every email shares (footer, contact line, ETA lines) and the opt-out line of a first text: listed once. */
const isShared = (key: string) => key.startsWith('email.') || key === 'sms.stop';

/**
 * The keys a render reads, found by rendering with a `strings` record that
 * notes every lookup (`translate` reads `overrides[locale]?.[key]`): the list
 * follows the templates and cannot drift from them.
 */
function keysRead(render: (ctx: RenderContext) => unknown): string[] {
  const seen = new Set<string>();
  const lookups = new Proxy(
    {},
    {
      get: (_target, key) => {
        if (typeof key === 'string') seen.add(key);
        return undefined;
      },
    },
  );
  render(sampleContext({ strings: new Proxy({}, { get: () => lookups }) as Strings }));
  return [...seen];
}

interface Catalog {
  /** `keys`: the template's own; `sharedKeys`: those of `shared` it reads too. */
  templates: Array<{ name: EmailTemplate; channels: Array<'email' | 'sms'>; keys: string[]; sharedKeys: string[] }>;
  shared: string[];
}

let catalog: Catalog | undefined;

/** Which keys each template reads, over every sample (each branch) of it, email and SMS. */
function templateCatalog(): Catalog {
  if (catalog) return catalog;
  const shared = new Set<string>();
  const templates = (Object.keys(emailTemplates) as EmailTemplate[]).map((name) => {
    const keys = new Set<string>();
    for (const s of emailSamples.filter((s) => s.template === name)) for (const k of keysRead((ctx) => (emailTemplates[name] as EmailRender)(s.props as never, ctx))) keys.add(k);
    const sms = smsTemplates[name as keyof typeof smsTemplates] as SmsRender | undefined;
    for (const s of smsSamples.filter((s) => s.template === name)) for (const k of keysRead((ctx) => sms!(s.props as never, ctx))) keys.add(k);
    if (sms) keys.add('sms.stop');
    const own = [...keys].filter((k) => !isShared(k));
    const sharedKeys = [...keys].filter(isShared);
    for (const k of sharedKeys) shared.add(k);
    const channels: Array<'email' | 'sms'> = sms ? ['email', 'sms'] : ['email'];
    return { name, channels, keys: own, sharedKeys };
  });
  catalog = { templates, shared: [...shared] };
  return catalog;
}

/** A key as the editor shows it: what it must keep, the shipped texts, and the shop's overrides by locale. */
function describeKey(key: string, strings: Strings) {
  const placeholders = [...new Set(SHIPPED_LOCALES.flatMap((l) => requiredPlaceholders(key, l)))];
  const override = Object.fromEntries(Object.entries(strings).flatMap(([l, o]) => (o[key] === undefined ? [] : [[l, o[key]]])));
  return { key, placeholders, defaults: shippedCopy(key), override };
}

export const templateName = (name: string): EmailTemplate => {
  // Own keys only: `constructor` is `in` every object.
  if (!Object.hasOwn(emailTemplates, name)) throw NotFound('Template');
  return name as EmailTemplate;
};

/** The template's default sample, as the shop's customers would get it: its name, sender, brand, and overrides with the draft on top. */
export function renderDraft(shop: Shop, name: EmailTemplate, locale: string, draft: Strings = {}) {
  const s = shop.settings;
  const strings: Strings = { ...s.strings };
  for (const [l, overrides] of Object.entries(draft)) strings[l] = { ...s.strings[l], ...overrides };
  const ctx = () =>
    sampleContext({ locale, timeZone: s.timezone, strings, shop: { name: shop.name }, brand: s.brand, sender: s.sender, contact: s.contact });
  const email = (emailTemplates[name] as EmailRender)(emailSample(name).props as never, ctx());
  const sms = smsTemplates[name as keyof typeof smsTemplates] as SmsRender | undefined;
  const smsProps = sms && smsSample(name as keyof typeof smsTemplates)?.props;
  return { ...email, ...(sms && smsProps ? { sms: fitSms(sms, smsProps as Record<string, unknown>, ctx(), '') } : {}) };
}

/** Test sends are counted over ten minutes, so a merchant can try a few versions but the button cannot be used to spam. */
const TEST_SENDS = 5;
const limiters = new WeakMap<Db, RateLimiter>();
const testLimiter = (deps: Deps) => {
  let limiter = limiters.get(deps.db);
  if (!limiter) limiters.set(deps.db, (limiter = createRateLimiter(deps.clock, deps.db, 10 * 60_000)));
  return limiter;
};

/**
 * The test is a message row like any other, already rendered, to the shop's
 * own sender address: the dispatcher sends it through the shop's transport
 * (Resend, or the outbox), and the outbox lists it as `test:<template>`.
 */
async function queueTest(deps: Deps, shop: Shop, name: EmailTemplate, email: RenderedEmail): Promise<string> {
  const now = deps.clock.now();
  const { sender } = shop.settings;
  const publicId = rowToken(now, 12);
  await transaction(deps.db, (tx) => tx.insert(messages).values({
    shopId: shop.id,
    publicId,
    template: `test:${name}`,
    channel: 'email',
    to: sender.email,
    from: `${sender.name.replace(/["<>\r\n]/g, ' ').trim()} <${sender.email}>`,
    props: {},
    renderedAt: now,
    subject: `[Test] ${email.subject}`.replace(/[\r\n]+/g, ' '),
    text: email.text,
    html: email.html,
    idempotencyKey: `template-test:${publicId}`,
    sendAfter: now,
    createdAt: now,
  }));
  deps.wake();
  return sender.email;
}

/** Every template with the keys it reads, each described for the shop's editor. */
export function templateList(shop: Shop) {
  const { strings, locale: shopLocale } = shop.settings;
  const { templates, shared } = templateCatalog();
  return {
    templates: templates.map((t) => ({ name: t.name, channels: t.channels, keys: t.keys.map((k) => describeKey(k, strings)), sharedKeys: t.sharedKeys })),
    shared: { keys: shared.map((k) => describeKey(k, strings)) },
    locales: [...new Set([...SHIPPED_LOCALES, shopLocale, ...Object.keys(strings)])],
  };
}

/** "Send me a test": only to the shop's own sender address, once it is set, a few per ten minutes. */
export async function sendTest(deps: Deps, shop: Shop, name: EmailTemplate, locale: string, strings?: Strings): Promise<string> {
  if (shop.settings.sender.email === DEFAULT_SENDER) throw Invalid('Set your sender email in Settings first: the test goes to that address', 'sender.email');
  const email = renderDraft(shop, name, locale, strings);
  const retryAfter = await testLimiter(deps).hit(`template-test:${shop.id}`, TEST_SENDS);
  if (retryAfter > 0) throw RateLimited(retryAfter);
  return queueTest(deps, shop, name, email);
}

const DEFAULT_SENDER = defaultSettings().sender.email;
