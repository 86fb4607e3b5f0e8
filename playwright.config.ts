import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumLaunch } from './e2e/chromium.ts';

// One fresh database per run; workers inherit it through the environment.
process.env.E2E_DB ??= join(mkdtempSync(join(tmpdir(), 'waitline-e2e-')), 'waitline.db');
const port = Number(process.env.E2E_PORT ?? 8799);

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    browserName: 'chromium',
    launchOptions: chromiumLaunch,
  },
  webServer: {
    command: 'npm start',
    url: `http://localhost:${port}/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      PORT: String(port),
      WAITLINE_DB: process.env.E2E_DB,
      WAITLINE_ADMIN_TOKEN: 'e2e-root-token',
      // Fixed, so the run writes no key file (32 bytes, base64).
      WAITLINE_SECRET_KEY: 'ZTJlLXNlY3JldC1rZXktMzItYnl0ZXMtbG9uZyEhISE=',
      WAITLINE_TICK_MS: '200',
      // Every browser and every API call here comes from 127.0.0.1: the default 20 signups a minute per IP
      // would throttle the suite itself (test/api/abuse.test.ts proves the limit).
      WAITLINE_RATE_PER_IP: '1000',
      RESEND_API_KEY: '',
      TWILIO_ACCOUNT_SID: '',
    },
  },
});
