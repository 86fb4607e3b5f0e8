import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test, type Page } from '@playwright/test';

/**
 * Every dashboard page at a phone's width (390 px) and a laptop's (1280 px):
 * nothing scrolls sideways (a wide table scrolls inside its own box), and
 * axe-core finds no serious or critical WCAG 2 A/AA violation.
 */
const demoKeys = () => JSON.parse(readFileSync(`${process.env.E2E_DB}.demo-keys.json`, 'utf8')) as { secretKey: string; publishableKey: string };
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PAGES = ['overview', 'connect', 'products', 'restock', 'backorders', 'suppliers', 'messages', 'escalations', 'settings', 'copy', 'people', 'audit'];

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

async function serious(page: Page): Promise<string[]> {
  // Through the DevTools protocol: the dashboard's CSP (script-src 'self') rightly refuses an inline script.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Violation[] }> } }).axe;
    return (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

for (const [width, height] of [
  [390, 844],
  [1280, 800],
] as const) {
  test(`every dashboard page fits ${width} px and passes axe`, async ({ page, request }) => {
    const { secretKey } = demoKeys();
    // A line to restock, so the restock page is checked with its dry run open (its widest state).
    const auth = { authorization: `Bearer ${secretKey}` };
    await request.put('/v1/admin/variants/phone-restock', { headers: auth, data: { productTitle: 'Linen Apron', title: 'Sand', inventory: 0 } });
    const csv = ['email,phone,variant,created_at', ...['p1', 'p2', 'p3'].map((n) => `${n}@example.com,,phone-restock,`)].join('\n');
    await request.post('/v1/admin/signups/import', { headers: { ...auth, 'content-type': 'text/csv' }, data: csv });
    await page.setViewportSize({ width, height });
    await page.goto(`/admin#key=${secretKey}`);
    await expect(page.getByRole('navigation')).toBeVisible();
    const found: Record<string, { overflow: number; axe: string[] }> = {};
    for (const name of PAGES) {
      await page.goto(`/admin/${name}`);
      await expect(page.locator('main').getByRole('heading').first()).toBeVisible();
      // Settled: the page's own data has loaded (no busy placeholders left).
      await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
      // The chart's figures as a table are part of the page too.
      if (name === 'overview') await page.getByText('Show as a table').click();
      if (name === 'restock') {
        await page.getByLabel('Variant').selectOption('phone-restock');
        await page.getByLabel('Units', { exact: true }).fill('2');
        await page.getByRole('button', { name: 'Preview' }).click();
        await expect(page.getByRole('article', { name: 'Dry run' }).getByRole('table', { name: 'Next in line after this' })).toBeVisible();
      }
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      found[name] = { overflow, axe: await serious(page) };
    }
    expect(found).toEqual(Object.fromEntries(PAGES.map((name) => [name, { overflow: 0, axe: [] }])));
  });
}
