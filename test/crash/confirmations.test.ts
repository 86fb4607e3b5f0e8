import { describe, expect, it } from 'vitest';
import { client, killed, startServer } from '../child-server.ts';
import { crashScene, scaled } from './scene.ts';

/** 150 on SQLite, 50 on PostgreSQL: the first is in flight at the kill, the rest written and unsent. */
const RECIPIENTS = scaled(150, 50);

describe('a server killed between writing and sending', () => {
  const scene = crashScene({ stall: true });

  it('sends each pending confirmation exactly once after a restart', async () => {
    const { stub } = scene;
    const env = await scene.serverEnv({ RESEND_RPS: '100' });
    const { api, createShop } = client(env);

    scene.child = await startServer(env);
    const { sk, pk } = await createShop();
    await api('/v1/admin/variants/v1', { method: 'PUT', token: sk, body: { title: 'Tee', mode: 'waitlist' } });
    const signUp = async (i: number) => {
      const res = await api('/v1/storefront/signups', { method: 'POST', body: { key: pk, variantId: 'v1', email: `r${i}@example.com` } });
      expect(res.status).toBe(201);
    };
    // The first confirmation's request leaves and stalls: the provider delivered it, the server
    // never hears back. Until an answer comes, the sender keeps one request out, so every later
    // confirmation is written and left unsent. Kill it there.
    await signUp(0);
    await expect.poll(() => stub.requests.length, { timeout: 10_000 }).toBeGreaterThan(0);
    for (let i = 1; i < RECIPIENTS; i++) await signUp(i);
    expect(stub.requests.length).toBe(1);
    expect(stub.deliveries.size).toBe(1);
    await killed(scene.child);

    stub.options.stall = false;
    scene.child = await startServer(env);
    await expect.poll(() => stub.recipients.size, { timeout: 20_000 }).toBe(RECIPIENTS);
    // Give a wrongly repeated send the time to show up before counting.
    await new Promise((r) => setTimeout(r, 1500));
    for (let i = 0; i < RECIPIENTS; i++) expect(stub.sentTo(`r${i}@example.com`), `r${i}`).toBe(1);

    const { body } = await api('/v1/admin/messages?limit=200', { token: sk });
    expect(body.messages).toHaveLength(RECIPIENTS);
    expect(body.messages.every((m: { status: string }) => m.status === 'sent')).toBe(true);
    // The request that was in flight at the kill was replayed under its key, not delivered again.
    expect(stub.requests.length).toBeGreaterThan(2);
  }, 60_000);
});
