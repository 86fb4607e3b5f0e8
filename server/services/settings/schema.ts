import { z } from 'zod';
import { OUTBOUND_EVENTS } from '../../../db/schema/webhook-deliveries.ts';
import { parseDuration } from '../../lib/duration.ts';
import { country, duration, email, httpUrl, locale, origin, plainText } from '../../lib/fields.ts';
import { HELPDESK_KINDS, SUBDOMAIN } from '../../platforms/helpdesk/index.ts';
import { refineCopy } from './copy.ts';

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM');

const timezone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Paris');

/** Whole days as an ISO 8601 duration (P0D–P365D, or weeks): ETA arithmetic works on dates, not hours. */
const days = z.string().refine((s) => {
  const ms = parseDuration(s);
  return ms !== null && ms % 86_400_000 === 0 && ms <= 365 * 86_400_000;
}, 'must be a whole number of days as an ISO 8601 duration, e.g. P2D (at most P365D)');

/** The VIP cadence's steps: the refined ETA, up to four status updates, the two-week check. */
export const MAX_VIP_STEPS = 6;

const stringKey = z.string().regex(/^[a-zA-Z0-9_.]{1,64}$/, 'must be a message key such as widget.button');

/** Every shop setting with its default (SPEC §4 admin settings). */
export const settingsSchema = z.object({
  locale: locale.default('en'),
  holdDuration: duration.default('PT24H'),
  followUpAfter: duration.default('PT6H'),
  ranOutNotice: z.boolean().default(true),
  ranOutNoticeDepth: z.number().int().min(0).max(100_000).default(500),
  attributionWindow: duration.default('P7D'),
  minimumRestock: z.number().int().min(1).max(1_000_000).default(1),
  quietHours: z.object({ start: clockTime, end: clockTime }).strict().nullable().default({ start: '21:00', end: '08:00' }),
  timezone: timezone.default('UTC'),
  doubleOptIn: z.boolean().default(false),
  signupTtl: duration.nullable().default(null),
  sender: z
    .object({
      name: plainText(100).pipe(z.string().min(1, 'is required')),
      email: email,
      address: plainText(300),
    })
    .strict()
    .default({ name: 'Waitline', email: 'waitline@localhost', address: '' }),
  contact: plainText(300).default(''),
  /** Where customers' replies are forwarded (the inbox the team reads); null: the sender address. */
  supportEmail: email.nullable().default(null),
  /** How the shop's emails look: its logo (an https image, shown at most 200 px wide) and its brand colour (buttons, accents). */
  brand: z
    .object({
      logoUrl: httpUrl.refine((s) => s.startsWith('https://'), 'must be an https URL').nullable(),
      color: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex colour such as #1a1a1a')
        .transform((s) => s.toLowerCase()),
    })
    .strict()
    .default({ logoUrl: null, color: '#1a1a1a' }),
  /** Where the shop sells; SMS goes to this country unless `sms.allowedCountries` names others. */
  country: country.default('US'),
  /** Against SMS pumping: only mobile numbers in these countries, and at most this many texts an hour. */
  sms: z
    .object({
      /** null: the shop's `country`, following it when it changes. */
      allowedCountries: z.array(country).min(1, 'must name at least one country').max(250).nullable(),
      hourlyBudget: z.number().int('must be a whole number').min(1).max(1_000_000),
    })
    .strict()
    .default({ allowedCountries: null, hourlyBudget: 200 }),
  /** Against email bombing: confirmation emails one address may receive in a day, across every shop. */
  emailCapPerDay: z.number().int('must be a whole number').min(1).max(100).default(5),
  allowedOrigins: z.array(origin).max(50).default([]),
  /** Backorder cadence, measured from the order: refined ETA, status (+ alternative), status + cancel offer. */
  backorderCadence: z
    .object({ refine: duration, status: duration, cancelOffer: duration })
    .strict()
    .default({ refine: 'P3D', status: 'P7D', cancelOffer: 'P14D' }),
  /**
   * VIP care (issue 23): VIPs hear more often than `backorderCadence`, each step measured from
   * the order. The first step refines the ETA, the last is the two-week mark where a person
   * takes over, and those between are status updates. With `expeditedShipping`, VIPs are
   * told their order ships express at no charge: a promise the shop makes by turning it on.
   */
  vipCare: z
    .object({
      cadence: z
        .array(duration)
        .min(2, 'must have at least two steps (the refined ETA and the two-week check)')
        .max(MAX_VIP_STEPS, `must have at most ${MAX_VIP_STEPS} steps`)
        .refine((steps) => steps.every((step, i) => i === 0 || parseDuration(step)! > parseDuration(steps[i - 1]!)!), 'must be in increasing order'),
      expeditedShipping: z.boolean(),
    })
    .strict()
    .default({ cadence: ['P2D', 'P5D', 'P9D', 'P14D'], expeditedShipping: false }),
  /** The shop's FAQ (or shipping help) page: first-time buyers are pointed to it. */
  faqUrl: httpUrl.nullable().default(null),
  /** Pre-orders hear "shipping soon" this long before the ETA's earliest date. */
  shippingSoonBefore: duration.default('P3D'),
  /** Added to a purchase order's predicted arrival: receiving, picking and shipping to the customer. */
  etaHandlingBuffer: days.default('P2D'),
  /** A purchase-order ETA moves (and customers are told) only when new history shifts it by more than this. */
  etaShiftThreshold: days.default('P2D'),
  escalation: z
    .object({
      /** An order above this total (minor units) goes to a human. */
      orderValue: z.number().int().min(0),
      /** An ETA further out than this many days goes to a human. */
      etaDays: z.number().int().min(1).max(3650),
      /** Orders before the one at hand that make a customer a VIP. */
      vipOrders: z.number().int().min(1).max(1000),
      /** Optional helpdesk hook: `escalation.created` is POSTed here, signed with `webhookSecret`. */
      webhookUrl: httpUrl.nullable(),
      webhookSecret: z.string().min(16, 'must be at least 16 characters').max(256).nullable(),
    })
    .strict()
    .default({ orderValue: 50_000, etaDays: 30, vipOrders: 3, webhookUrl: null, webhookSecret: null }),
  /**
   * The shop's helpdesk: every escalation creates or updates one ticket per order there; with
   * `ticketPerBackorder`, every new backorder opens one too. `email` is the agent login the API key
   * belongs to (Gorgias, Zendesk and Re:amaze need it; Freshdesk does not).
   */
  helpdesk: z
    .object({
      kind: z.enum(HELPDESK_KINDS),
      subdomain: z.string().trim().toLowerCase().regex(SUBDOMAIN, 'must be the account name in acme.zendesk.com: letters, digits and hyphens'),
      email: email.nullable().default(null),
      apiKey: z.string().trim().min(8, 'must be at least 8 characters').max(256),
      /** Re:amaze only: the channel (its slug) new conversations open in; Re:amaze requires one. */
      channel: z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be a Re:amaze channel slug').nullable().default(null),
      ticketPerBackorder: z.boolean().default(false),
    })
    .strict()
    .refine((h) => h.kind === 'freshdesk' || h.email !== null, { message: 'is required for this helpdesk (the agent login of the API key)', path: ['email'] })
    .refine((h) => h.kind !== 'reamaze' || h.channel !== null, { message: 'is required for Re:amaze (the slug of the channel tickets open in)', path: ['channel'] })
    .nullable()
    .default(null),
  strings: z.record(locale, z.record(stringKey, plainText(500))).superRefine(refineCopy).default({}),
  theme: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a theme key such as accent'), plainText(100)).default({}),
  /** The merchant's endpoint for outbound events, signed Standard Webhooks style with `secret` (whsec_…). */
  webhooks: z
    .object({
      url: httpUrl,
      secret: z.string().regex(/^(whsec_[A-Za-z0-9+/=]{24,}|\*{8})$/, 'must be a whsec_ secret (base64, at least 18 bytes)'),
      events: z.array(z.enum(OUTBOUND_EVENTS)).min(1).max(OUTBOUND_EVENTS.length),
    })
    .strict()
    .nullable()
    .default(null),
  shopify: z
    .object({
      domain: z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'must be a *.myshopify.com domain'),
      /** Set by hand (a custom app's secret); null when a connection holds it, sealed (server/services/connections). */
      webhookSecret: z.string().min(8).max(256).nullable(),
      /** Location ids whose stock counts as sellable; null counts every location. */
      locations: z.array(z.string().regex(/^\d{1,20}$/, 'must be a Shopify location id')).max(100).nullable().default(null),
      /** Admin API access token (read_inventory), for the reconciliation pass; null turns it off. */
      accessToken: z.string().min(8).max(256).nullable().default(null),
    })
    .strict()
    .nullable()
    .default(null),
});

export type ShopSettings = z.infer<typeof settingsSchema>;

/**
 * PATCH: every field optional, nested objects may be partial, unknown fields
 * are an error. Defaults are taken off first: a field the patch does not name
 * must stay as it is, not fall back to its default.
 */
const withoutDefaults = Object.fromEntries(
  Object.entries(settingsSchema.shape).map(([key, field]) => [key, field instanceof z.ZodDefault ? field.unwrap() : field]),
) as { [K in keyof typeof settingsSchema.shape]: (typeof settingsSchema.shape)[K] extends z.ZodDefault<infer Inner> ? Inner : (typeof settingsSchema.shape)[K] };

export const settingsPatchSchema = z
  .object({
    ...withoutDefaults,
    sender: settingsSchema.shape.sender.unwrap().partial(),
    escalation: settingsSchema.shape.escalation.unwrap().partial(),
    backorderCadence: settingsSchema.shape.backorderCadence.unwrap().partial(),
    vipCare: settingsSchema.shape.vipCare.unwrap().partial(),
    sms: settingsSchema.shape.sms.unwrap().partial(),
  })
  .partial()
  .strict();

export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const defaultSettings = (): ShopSettings => settingsSchema.parse({});

/** The countries a shop texts: those it names, else its own. */
export const smsCountries = (settings: Pick<ShopSettings, 'country' | 'sms'>): string[] => settings.sms.allowedCountries ?? [settings.country];

/** A shop saved before VIP care existed has none stored: the default stands in. */
export const vipCareOf = (settings: Pick<ShopSettings, 'vipCare'>): ShopSettings['vipCare'] => settingsSchema.shape.vipCare.parse(settings.vipCare);
