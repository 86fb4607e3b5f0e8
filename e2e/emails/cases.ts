import { emailSamples, type EmailSample } from '../../emails/samples.ts';

/** One screenshot subject: a sample in a locale. */
export interface EmailCase {
  sample: EmailSample;
  locale: string;
  /** Unique and file-safe: names the rendered HTML and, with the width, the baseline. */
  id: string;
}

/** French for a handful: longer words and another date and money format, on the layouts most sent. */
const FRENCH = ['signup-confirmation-preorder', 'offer-restock', 'backorder-ack', 'backorder-update-refine-later', 'eta-changed-backorder', 'contact-confirm-email'];

export const emailCases: EmailCase[] = [
  ...emailSamples.map((sample) => ({ sample, locale: 'en', id: `${sample.name}-en` })),
  ...emailSamples.filter((s) => FRENCH.includes(s.name)).map((sample) => ({ sample, locale: 'fr', id: `${sample.name}-fr` })),
];
