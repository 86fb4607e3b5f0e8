import { readFileSync } from 'node:fs';
import mjml2html from 'mjml';
import { emailTemplates, type RenderContext } from '../emails/index.ts';
import { emailSample, emailSamples, sampleContext } from '../emails/samples.ts';
import { num } from './lib.ts';

type Render = (props: never, ctx: RenderContext) => { html: string };

/**
 * Issue 21: the MJML kit is compiled once per process, so a message costs string joins.
 * Renders the 10,000 offer emails of the SPEC §7 restock (each with its own place and
 * tracked links) and every template once, against the reference of compiling the kit with
 * MJML per message, as a template engine that compiled each email would.
 */
export function emailsBench(): string {
  const n = num('BENCH_EMAILS', 10_000);
  const ctx = sampleContext({ track: { pixelUrl: 'https://waitline.example/t/o/x.gif', link: (url) => `https://waitline.example/t/c/x?u=${encodeURIComponent(url)}` } });
  const offer = emailSample('offer');
  const render = emailTemplates.offer as Render;

  let started = performance.now();
  render(offer.props as never, ctx);
  const compiled = performance.now() - started;

  started = performance.now();
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += render({ ...offer.props, position: i + 1 } as never, ctx).html.length;
  const offers = performance.now() - started;

  started = performance.now();
  for (const s of emailSamples) (emailTemplates[s.template] as Render)(s.props as never, ctx);
  const everyTemplate = (performance.now() - started) / emailSamples.length;

  const source = readFileSync(new URL('../emails/mjml/kit.mjml', import.meta.url), 'utf8');
  const perCompileRuns = 20;
  started = performance.now();
  for (let i = 0; i < perCompileRuns; i++) mjml2html(source, { validationLevel: 'skip', keepComments: true, fonts: {} });
  const perCompile = (performance.now() - started) / perCompileRuns;

  const each = offers / n;
  return [
    `emails: kit compiled once in ${compiled.toFixed(0)} ms; ${n.toLocaleString('en-US')} offer emails rendered in ${offers.toFixed(0)} ms, ${(each * 1000).toFixed(0)} µs each, ${(bytes / n / 1024).toFixed(1)} KiB of HTML each`,
    `emails: every template once (${emailSamples.length} samples): ${(everyTemplate * 1000).toFixed(0)} µs each on average`,
    `emails: reference, MJML compiling per message: ${perCompile.toFixed(1)} ms each = ${(perCompile / each).toFixed(0)}× a rendered message; the 10,000 would take ${((perCompile * n) / 1000).toFixed(0)} s against ${(offers / 1000).toFixed(2)} s`,
  ].join('\n');
}
