/**
 * Renders every email case to `<outdir>/<id>.html`, for e2e/emails.spec.ts. A child process
 * (`node --import tsx`), because Playwright's own loader is not the one the templates are built for.
 * Fails when a template in the registry has no sample, so a new template cannot skip its screenshots.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emailTemplates, type EmailTemplate, type RenderContext, type RenderedEmail } from '../../emails/index.ts';
import { emailSamples, sampleContext } from '../../emails/samples.ts';
import { emailCases } from './cases.ts';

const outdir = process.argv[2];
if (!outdir) throw new Error('usage: render.ts <outdir>');

const missing = (Object.keys(emailTemplates) as EmailTemplate[]).filter((name) => !emailSamples.some((s) => s.template === name));
if (missing.length) throw new Error(`No sample in emails/samples.ts for: ${missing.join(', ')}`);

mkdirSync(outdir, { recursive: true });
for (const { sample, locale, id } of emailCases) {
  const render = emailTemplates[sample.template] as (props: unknown, ctx: RenderContext) => RenderedEmail;
  writeFileSync(join(outdir, `${id}.html`), render(sample.props, sampleContext({ locale })).html);
}
