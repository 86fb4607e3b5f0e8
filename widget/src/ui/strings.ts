import { loaderEn } from './text.ts';

/**
 * The widget's English strings, the fallback for every key. Other locales come
 * from the server with the config (`shop.strings`, already merged with the
 * shop's own overrides), so a new language costs the bundle nothing.
 */
export const en: Record<string, string> = {
  ...loaderEn,
  'widget.title.waitlist': 'Sold out. Get notified when it is back',
  'widget.title.preorder': 'Pre-order, expected {earliest}–{latest}',
  'widget.title.preorderNoEta': 'Pre-order now',
  'widget.slots': '{count} left',
  'widget.email': 'Email',
  'widget.phone': 'Mobile number',
  'widget.quantity': 'Quantity',
  'widget.sms': 'Text me too',
  'widget.consent': 'Yes, text me about this item',
  'widget.legal': 'By checking this box you agree to receive texts from {shop} about this item. Msg & data rates may apply. Reply STOP to opt out.',
  'widget.joined': "You're #{position} in line. We'll message {to} when it's your turn.",
  'widget.pending': 'Check {to} to confirm your place in line.',
  'widget.exists': "You're already in line. We've sent a link to {to}.",
  'widget.offered': "It's your turn: held for you until {time}.",
  'widget.claim': 'Claim it',
  'widget.leave': 'Leave the list',
  'widget.reserved': 'Reserved for you until {time}.',
  'widget.error.email': 'Enter a valid email address.',
  'widget.error.consent': 'Tick the box to get texts, or leave the number empty.',
  'widget.error.network': 'Something went wrong. Please try again.',
};

export type T = (key: string, vars?: Record<string, string | number>) => string;

export function makeT(strings: Record<string, string>): T {
  return (key, vars = {}) =>
    String(strings[key] ?? en[key] ?? key).replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export const formatDate = (iso: string, locale: string, time?: boolean) => {
  try {
    return new Date(time ? iso : `${iso}T00:00:00Z`).toLocaleString(locale, time ? { dateStyle: 'medium', timeStyle: 'short' } : { month: 'short', day: 'numeric', timeZone: 'UTC' });
  } catch {
    return iso;
  }
};
