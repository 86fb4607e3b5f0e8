/**
 * Draws the committed pictures the email screenshots load instead of the CDN
 * (e2e/fixtures/emails/): a 600×600 product shot and a 240×60 logo. Run once with
 * `npx tsx e2e/emails/draw-fixtures.ts`; the PNGs are committed, so tests never draw.
 */
import { writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { chromiumLaunch } from '../chromium.ts';

const fixtures = new URL('../fixtures/emails/', import.meta.url);

/** A tee on a sand backdrop: flat shapes, so a missing or squashed picture shows in a diff. */
function drawProduct(): string {
  const canvas = document.createElement('canvas');
  canvas.width = 600;
  canvas.height = 600;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#efe6d8';
  g.fillRect(0, 0, 600, 600);
  g.fillStyle = '#e2d3bc';
  g.beginPath();
  g.ellipse(300, 520, 220, 40, 0, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = '#1e3a5f';
  g.beginPath();
  g.moveTo(210, 110);
  g.lineTo(110, 170);
  g.lineTo(150, 260);
  g.lineTo(200, 235);
  g.lineTo(200, 490);
  g.lineTo(400, 490);
  g.lineTo(400, 235);
  g.lineTo(450, 260);
  g.lineTo(490, 170);
  g.lineTo(390, 110);
  g.quadraticCurveTo(300, 170, 210, 110);
  g.closePath();
  g.fill();
  g.strokeStyle = '#f4a259';
  g.lineWidth = 14;
  for (const y of [300, 350, 400]) {
    g.beginPath();
    g.moveTo(200, y);
    g.bezierCurveTo(250, y - 25, 350, y + 25, 400, y);
    g.stroke();
  }
  return canvas.toDataURL('image/png');
}

/** A round mark and two bars standing for the wordmark: no text, so no font decides the pixels. */
function drawLogo(): string {
  const canvas = document.createElement('canvas');
  canvas.width = 240;
  canvas.height = 60;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#0f766e';
  g.beginPath();
  g.arc(30, 30, 24, 0, Math.PI * 2);
  g.fill();
  g.fillStyle = '#ffffff';
  g.beginPath();
  g.moveTo(18, 40);
  g.lineTo(30, 16);
  g.lineTo(42, 40);
  g.closePath();
  g.fill();
  g.fillStyle = '#1a1a1a';
  g.fillRect(66, 14, 150, 14);
  g.fillStyle = '#0f766e';
  g.fillRect(66, 36, 96, 10);
  return canvas.toDataURL('image/png');
}

const browser = await chromium.launch(chromiumLaunch);
try {
  const page = await browser.newPage();
  for (const [file, draw] of [['products/ocean-tee.png', drawProduct], ['logo.png', drawLogo]] as const) {
    const dataUrl = await page.evaluate(draw);
    writeFileSync(new URL(file, fixtures), Buffer.from(dataUrl.split(',')[1]!, 'base64'));
  }
} finally {
  await browser.close();
}
