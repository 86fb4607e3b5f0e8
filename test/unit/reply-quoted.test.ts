import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readReply } from '../../server/services/replies/intent.ts';
import { htmlToText, MAX_OWN_WORDS, ownWords } from '../../server/services/replies/quoted.ts';

// Our own backorder email, as clients quote it: it carries the words "cancel" and "refund".
const OURS = [
  'Ocean Tee is on backorder, expected 10–24 March.',
  'If you would rather not wait, you can cancel at any time for a full refund:',
  'https://waitline.test/s/tok',
];
const NOTRE = [
  'Ocean Tee est en réapprovisionnement, attendu du 10 au 24 mars.',
  "Si vous préférez ne pas attendre, vous pouvez annuler à tout moment, avec remboursement intégral :",
  'https://waitline.test/s/tok',
];
const quoted = (lines: string[]) => lines.map((l) => `> ${l}`).join('\n');

const PLAIN: Array<[string, string, string]> = [
  [
    'Gmail, attribution wrapped over two lines',
    `Thanks, happy to wait for it.\n\nOn Mon, Mar 2, 2026 at 10:14 AM Shop Co via Waitline <\nreply+r8f2k@waitline.app> wrote:\n\n${quoted(OURS)}\n`,
    'Thanks, happy to wait for it.',
  ],
  [
    'Gmail in French',
    `Merci, j'attendrai.\n\nLe lun. 2 mars 2026 à 10:14, Boutique Co <reply+r8f2k@waitline.app> a écrit :\n\n${quoted(NOTRE)}`,
    "Merci, j'attendrai.",
  ],
  [
    'Apple Mail on an iPhone',
    `When will it ship?\n\nSent from my iPhone\n\n> On 2 Mar 2026, at 10:14, Shop Co <reply+r8f2k@waitline.app> wrote:\n>\n${quoted(OURS)}`,
    'When will it ship?',
  ],
  [
    'Apple Mail in French',
    `Des nouvelles ?\n\nEnvoyé de mon iPhone\n\n> Le 2 mars 2026 à 10:14, Boutique Co <reply+r8f2k@waitline.app> a écrit :\n${quoted(NOTRE)}`,
    'Des nouvelles ?',
  ],
  [
    'Outlook, separator and header block',
    `Thank you for the update.\n\nJane\n\n________________________________\nFrom: Shop Co <reply+r8f2k@waitline.app>\nSent: Monday, March 2, 2026 10:14 AM\nTo: Jane Doe <jane@example.com>\nSubject: Ocean Tee is on backorder\n\n${OURS.join('\n')}`,
    'Thank you for the update.\n\nJane',
  ],
  [
    'Outlook in French, header block without a separator',
    `Merci pour l'information.\n\nDe : Boutique Co <reply+r8f2k@waitline.app>\nEnvoyé : lundi 2 mars 2026 10:14\nÀ : Jeanne <jeanne@example.fr>\nObjet : Ocean Tee en réapprovisionnement\n\n${NOTRE.join('\n')}`,
    "Merci pour l'information.",
  ],
  [
    'Outlook, "Original Message"',
    `Any news?\n\n-----Original Message-----\nFrom: Shop Co <reply+r8f2k@waitline.app>\nSent: Monday, March 2, 2026 10:14 AM\n${OURS.join('\n')}`,
    'Any news?',
  ],
  [
    'Outlook on the web, headers flattened onto one line',
    `ok thanks\r\n\r\nFrom: Shop Co <reply+r8f2k@waitline.app> Sent: Monday, March 2, 2026 10:14 AM To: jane@example.com Subject: Ocean Tee\r\n${OURS.join('\r\n')}`,
    'ok thanks',
  ],
  [
    'a signature after "-- "',
    `Sounds good, thank you.\n-- \nJane Doe\nCancel culture survivor, refund specialist\n\n${quoted(OURS)}`,
    'Sounds good, thank you.',
  ],
];

describe('ownWords', () => {
  it.each(PLAIN)('keeps only the new text: %s', (_client, email, own) => {
    expect(ownWords(email)).toBe(own);
  });

  it.each(PLAIN)('so our own "cancel" and "refund" never read as the customer’s: %s', (_client, email) => {
    const { intents } = readReply(ownWords(email));
    expect(intents).not.toContain('cancel');
    expect(intents).not.toContain('refund');
    // Read whole, the same email asks to cancel: the cut is what keeps it from doing so.
    expect(readReply(email).intents.some((i) => i === 'cancel' || i === 'refund')).toBe(true);
  });

  it('gives back exactly what was written above any of these histories', () => {
    const words = ['please', 'ship', 'it', 'soon', 'thanks', 'where', 'is', 'my', 'jacket', 'merci', 'quand', 'arrive', 'ok', '?', '!', '—', 'déçu', '😀', '2026'];
    const line = fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 10 }).map((w) => w.join(' '));
    const histories = PLAIN.map(([, email, own]) => email.slice(own.length));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 5 }), fc.constantFrom(...histories), (lines, history) => {
        const own = lines.join('\n');
        expect(ownWords(`${own}${history}`)).toBe(own);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws, on anything, and stays within its bound', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 500 }), (text) => {
        expect(ownWords(text).length).toBeLessThanOrEqual(MAX_OWN_WORDS);
        expect(htmlToText(text).length).toBeLessThanOrEqual(MAX_OWN_WORDS);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the answers written between quoted lines (bottom-posting and inline replies)', () => {
    const email = `On Mon, Mar 2, 2026 at 10:14 AM Shop Co <reply+r8f2k@waitline.app> wrote:\n> Ocean Tee is on backorder, expected 10–24 March.\n\nThat is too late for me.\n\n> If you would rather not wait, you can cancel at any time for a full refund.\n\nPlease cancel it.`;
    expect(ownWords(email)).toBe('That is too late for me.\n\nPlease cancel it.');
    expect(readReply(ownWords(email)).intent).toBe('cancel');
  });

  it('does not take the sender’s own sentence for an attribution', () => {
    const email = `On second thought, please cancel.\nI wrote to you last week.\n\nOn Mon, Mar 2, 2026 at 10:14 AM Shop Co wrote:\n${quoted(OURS)}`;
    expect(ownWords(email)).toBe('On second thought, please cancel.\nI wrote to you last week.');
  });

  it('leaves a reply with nothing quoted as it was, trimmed', () => {
    expect(ownWords('  Cancel my order please \n\n\n\nJane  ')).toBe('Cancel my order please\n\nJane');
    expect(ownWords('')).toBe('');
  });

  it(`never returns more than ${MAX_OWN_WORDS} characters, and never half an emoji`, () => {
    expect(ownWords('word '.repeat(5000))).toHaveLength(MAX_OWN_WORDS);
    const emoji = ownWords(`${'x'.repeat(MAX_OWN_WORDS - 1)}😀😀`);
    expect(emoji.length).toBeLessThanOrEqual(MAX_OWN_WORDS);
    expect(emoji.endsWith('x')).toBe(true);
  });

  it('finishes on long adversarial input', () => {
    const inputs = [`On ${'1 '.repeat(20_000)}`, `${'On 1\n'.repeat(10_000)}`, `From: x\n${'Sent '.repeat(10_000)}`, `${'\n'.repeat(10_000)}${'On 1 wrote:\n'.repeat(10_000)}`, '>'.repeat(40_000)];
    for (const text of inputs) {
      const started = performance.now();
      ownWords(text);
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });
});

describe('htmlToText', () => {
  it('drops Gmail’s quote and keeps the line breaks of the new text', () => {
    const html = `<div dir="ltr">Please cancel it.<br>Thanks,<br>Jane</div><br><div class="gmail_quote gmail_quote_container"><div dir="ltr" class="gmail_attr">On Mon, Mar 2, 2026 at 10:14 AM Shop Co &lt;<a href="mailto:reply@waitline.app">reply@waitline.app</a>&gt; wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex"><div><p>${OURS[1]}</p><div>nested</div></div></blockquote></div>`;
    expect(htmlToText(html)).toBe('Please cancel it.\nThanks,\nJane');
  });

  it('drops Apple Mail’s blockquote, and ownWords then cuts its attribution', () => {
    const html = `<html><head><style>p { color: red; }</style></head><body dir="auto"><div>Quand sera-t-elle exp&eacute;di&eacute;e&nbsp;?</div><div><br><blockquote type="cite">Le 2 mars 2026 &agrave; 10:14, Boutique Co &lt;reply@waitline.app&gt; a &#233;crit&#x20;:<br></blockquote></div><div><br>Le 2 mars 2026 &agrave; 10:14, Boutique Co &lt;reply@waitline.app&gt; a &eacute;crit&nbsp;:<br><br></div><blockquote type="cite"><div>${NOTRE[1]}</div></blockquote></body></html>`;
    const text = htmlToText(html);
    expect(text).not.toContain('rembours');
    expect(text).not.toContain('color');
    expect(ownWords(text)).toBe('Quand sera-t-elle expédiée ?');
  });

  it('turns Outlook’s <hr> into the separator ownWords cuts at', () => {
    const html = `<div>I no longer need it &ndash; thanks</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>From:</b> Shop Co &lt;reply@waitline.app&gt;<br><b>Sent:</b> Monday, March 2, 2026 10:14 AM<br><b>Subject:</b> Ocean Tee</font></div><div><p>${OURS[1]}</p></div>`;
    expect(ownWords(htmlToText(html))).toBe('I no longer need it – thanks');
  });

  it('decodes entities, skips comments and scripts, and survives broken markup', () => {
    expect(htmlToText('<p>Tom &amp; Jerry &#x1F600; &#128512; &bogus; &#xD800;</p><!-- hidden --><script>if (a<b) alert(1)</script>')).toBe('Tom & Jerry 😀 😀 &bogus; &#xD800;');
    expect(htmlToText('<ul><li>one</li><li>two</li></ul>')).toBe('- one\n- two');
    expect(htmlToText('Hello <b>there')).toBe('Hello there');
    expect(htmlToText('<div>3 < 5 and 5 > 3</div><div>next</div>')).toBe('3 < 5 and 5 > 3\nnext');
    expect(htmlToText('Hello <unclosed')).toBe('Hello');
    expect(htmlToText('<blockquote>never closed')).toBe('');
  });

  it('finishes on long adversarial markup and caps its output', () => {
    const inputs = ['<blockquote>'.repeat(10_000), '<div class="gmail_quote">'.repeat(2000), '<'.repeat(40_000), '<!--'.repeat(10_000), `<div ${'class=x '.repeat(5000)}>`, '<script>'.repeat(5000), '&amp'.repeat(10_000), `<p>${'a '.repeat(20_000)}</p>`];
    for (const html of inputs) {
      const started = performance.now();
      expect(htmlToText(html).length).toBeLessThanOrEqual(MAX_OWN_WORDS);
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });
});
