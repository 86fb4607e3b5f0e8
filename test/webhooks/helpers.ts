import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The provider fixtures, copied into the repo (e2e/fixtures/webhooks). */
export const fixture = (path: string) => readFileSync(new URL(`../../e2e/fixtures/webhooks/${path}`, import.meta.url), 'utf8');
export const json = (path: string) => JSON.parse(fixture(path)) as Record<string, any>;

export const SHOPIFY_SECRET = 'test_shopify_app_client_secret_123';
export const RESEND_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
export const TWILIO_TOKEN = 'test_twilio_auth_token_0123456789';
export const TWILIO_PUBLIC_URL = 'https://api.example-waitlist.app';

/** Shopify's own headers for a fixture, minus the note; HTTP header names are case-insensitive. */
export function shopifyHeaders(name: string): Record<string, string> {
  const { _note, ...headers } = json(`shopify/${name}.headers.json`);
  void _note;
  return headers as Record<string, string>;
}

export const shopifySign = (body: string, secret = SHOPIFY_SECRET) => createHmac('sha256', secret).update(body, 'utf8').digest('base64');

/** Standard Webhooks (Svix) signing, as Resend does it, at a timestamp of our choosing. */
export function svixHeaders(body: string, id: string, at: Date, secret = RESEND_SECRET): Record<string, string> {
  const ts = String(Math.floor(at.getTime() / 1000));
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const sig = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'svix-id': id, 'svix-timestamp': ts, 'svix-signature': `v1,${sig}` };
}
