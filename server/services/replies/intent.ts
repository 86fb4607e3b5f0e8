import Sentiment from 'sentiment';

export const INTENTS = ['chargeback', 'cancel', 'refund', 'call', 'stop', 'angry', 'question', 'thanks', 'other'] as const;
export type Intent = (typeof INTENTS)[number];
export interface ReplyReading {
  intent: Intent;
  /** every intent found, in INTENTS order */
  intents: Intent[];
  /** The AFINN sum for English text; for text that reads French, the same sum over a small French list. */
  sentiment: number;
}

/** Scores at or below this (AFINN sum) read as unhappy: "this is ridiculous" is -3. */
export const NEGATIVE_AT = -2;

/**
 * Rules run on folded text (lower case, no accents, straight apostrophes, one space), one clause at a
 * time. They carry the intents that must never be missed, in English and French, whatever the
 * locale: a French customer may write in English. No pattern nests or chains repeats, so a match
 * costs linear time on any input (the tests time 20,000-character ones).
 */
interface Rule {
  intent: Intent;
  pattern: RegExp;
  /** "don't cancel", "no refund needed" and "n'annulez pas" are not requests. */
  negatable?: boolean;
}

// The cancel verb with the typos a phone makes: cancell, cancle, cansel, cancl, canel, and -ing forms.
const CANCEL = String.raw`(?:cance?l+|cancle|cansel+|canel)(?:ing)?`;
const OBJECT = String.raw`(?:my|the|this|that|it|them|our|me|all|everything|orders?|pre-?orders?|back-?orders?|purchase)`;
const rx = (source: string) => new RegExp(source, 'g');

const RULES: Rule[] = [
  { intent: 'chargeback', pattern: rx(String.raw`\bcharge ?-?backs?\b|\bdisput(?:e|es|ed|ing)\b|\bpaypal (?:dispute|claim|case)\b|\b(?:open|file|opening|filing|raise) (?:a |an )?(?:claim|case|dispute)\b|\breverse (?:the |this |your )?(?:charge|payment|transaction)`) },
  { intent: 'chargeback', pattern: rx(String.raw`\b(?:call|calling|contact|contacting|phone|ring|tell|telling|notify|going to|report(?:ing)?(?: you| this| it)? to) my (?:bank|credit ?card|card|cc)\b|\breport (?:you|this|it) to (?:the |my )?(?:bank|credit ?card|card company|paypal|bbb)\b`) },
  { intent: 'chargeback', pattern: rx(String.raw`\bopposition\b|\blitige\b|\bcontest(?:er|e|erai|ons|ation)\b|\bretrofactur\w*|\b(?:appel|contact|previen|signal)\w* (?:a )?ma banque\b`) },
  { intent: 'cancel', negatable: true, pattern: rx(String.raw`\b(?:please|pls|plz|plse|kindly|just|can you|could you|can u|would you) (?:(?!not |never )\w+ )?${CANCEL}\b|\b${CANCEL} ${OBJECT}\b|^${CANCEL}\b|\b(?:and|&|then|or) ${CANCEL}\b`) },
  { intent: 'cancel', negatable: true, pattern: rx(String.raw`\b(?:want|wanna|wish|like|need|have|going|decided|prefer) (?:to )?${CANCEL}\b|\b(?:i'?m|i am|i will|i'll|ill|will) (?:(?!not |never )\w+ )?${CANCEL}\b|\b(?:how|can|could|may) (?:do |can )?i (?:still |just )?${CANCEL}\b|\b(?:way|option|possible|able|chance) to ${CANCEL}\b`) },
  { intent: 'cancel', negatable: true, pattern: rx(String.raw`\b(?:request|want|like|need|confirm|process)\w* (?:a |the |my )?cancell?ation\b|\bcancell?ation (?:of (?:my|the)|please|pls|request)\b`) },
  { intent: 'cancel', negatable: true, pattern: rx(String.raw`\b(?:don'?t|do not) (?:want|need) (?:it|this|that|them|the item|the order) ?(?:any ?more|no more|after all)\b|\bno longer (?:want|need|interested)\b|\bnot interested any ?more\b`) },
  { intent: 'cancel', negatable: true, pattern: rx(String.raw`\ban?nul(?:er|ez|ons)\b|\ban?nule (?:ma|mon|mes|la|le|les|tout|cette|ce|ca)\b|\bj'an?nule\b|\b(?:demande|veux|voudrais|souhaite)\w* (?:l'|une |d')?annulation\b|\bannulation (?:de (?:ma|mon|mes|la|cette)|svp|s'il vous plait)\b`) },
  { intent: 'cancel', negatable: true, pattern: rx(String.raw`\bn'en (?:veux|ai) plus\b|\bne (?:la|le|les) veux plus\b`) },
  { intent: 'refund', negatable: true, pattern: rx(String.raw`\br(?:e|ee)?fu?n(?:d|ds|ded|ding)?\b|\brefudn\b|\brefound\b|\bmoney back\b|\bmy money\b|\breimb[eu]rs\w*`) },
  { intent: 'refund', negatable: true, pattern: rx(String.raw`\brem?bour?s\w*|\brembourc\w*|\bmon argent\b`) },
  { intent: 'call', negatable: true, pattern: rx(String.raw`\bcall me\b|\bgive me a (?:call|ring|buzz)\b|\bphone call\b|\b(?:get|have|arrange|schedule|request|want|need) a (?:phone )?call\b|\bcall ?back\b|\b(?:phone|ring) me\b|\bplease (?:call|phone|ring)\b|\b(?:reach|contact) me (?:at|on|by phone)\b`) },
  { intent: 'call', negatable: true, pattern: rx(String.raw`\b(?:can|could|would|will) (?:you|someone|somebody|u|anyone) (?:please )?(?:call|phone|ring)\b|\b(?:speak|talk) (?:to|with) (?:(?:a|an|the|some|a real|an actual|a real|real) )?(?:person|human|manager|someone|somebody|agent|rep|representative|supervisor|real person|human being)\b`) },
  { intent: 'call', negatable: true, pattern: rx(String.raw`\bmy (?:phone |cell |mobile )?number is\b|\bmy (?:phone|cell|mobile) (?:number|no)\b|\bmy number ?: ?\+?\d`) },
  { intent: 'call', negatable: true, pattern: rx(String.raw`\b(?:r?appel(?:ez|le|er)?)[- ]?moi\b|\bun (?:coup de (?:fil|telephone)|appel)\b|\bm'appell?er\b|\bme (?:rappeler|telephoner)\b|\bparler a (?:quelqu'?un|quelqu un|une personne|un humain|un conseiller|un responsable)\b|\bmon (?:numero(?: de (?:telephone|portable|tel))?|telephone|portable|tel) ?(?:est |c'est |: ?)?\+?\d|\bmon numero est\b`) },
  { intent: 'stop', pattern: rx(String.raw`\bstop (?:e-?mailing|e-?mails?|sending|texting|texts?|messag\w*|contacting|writing|spamming)\b|\bunsu(?:bs?c?|sc)r?i?be?\w*|\bunsub\b|\bremove me\b|\btake me off\b|\bopt(?: me)? ?-?out\b|\bno more (?:e-?mails|messages|texts|sms|spam)\b`) },
  { intent: 'stop', pattern: rx(String.raw`\bdesabon\w*|\bdesinscri\w*|\bplus recevoir\b|\barret(?:ez|e|er)? (?:de m'(?:envoyer|ecrire|spammer|contacter)|les (?:mails|e-?mails|messages|sms))\b`) },
  { intent: 'angry', pattern: rx(String.raw`\bridicul\w*|\bscam\w*|\bunacceptable\b|\bworst\b|\bfed up\b|\bdisgust\w*|\bdisgrace\w*|\bpathetic\b|\b(?:this is|what) a joke\b|\brip ?-?off\b|\bfraud\w*|\bfurious\b|\boutrag\w*|\bappall\w*|\bincompetent\b|\bsick (?:and tired )?of\b|\bhad enough\b|\bwtf\b|\bnever again\b|\bliars?\b|\bthie(?:f|ves)\b|\bshame on you\b`) },
  { intent: 'angry', pattern: rx(String.raw`\binadmissible\b|\barnaqu\w*|\bhonte(?:ux|use)?\b|\bras[- ]le[- ]bol\b|\bscandal\w*|\binacceptable\b|\bn'importe quoi\b|\b(?:c'est|vous etes|service|trop) nuls?\b|\bmarre\b|\bescroc\w*|\bvoleurs?\b|\blamentable\b|\bpitoyable\b|\bdeplorable\b|\bdegout\w*|\bfurieu(?:x|se)\b|\b(?:tres|vraiment|extremement) decue?s?\b|\bplus jamais\b|\bmenteurs?\b|\bpire\b`) },
];

const BARE_STOP = /^\W*(?:stop|stop all|arret|arreter|unsubscribe|desabonner)(?:\W+(?:please|pls|merci|svp))?\W*$/;
const QUESTION = /^(?:when|where|what(?! a\b)|how(?! (?:nice|kind|great|lovely|cool|sweet|wonderful)\b)|why|which|who|whats|what's|wheres|where's|any (?:updates?|news|eta|idea)|(?:can|could|will|would|is|are|do|does|did|should|has|have|may|shall) (?:i|you|we|it|my|the|there|this|that|they|u|someone|anyone|he|she|these|those))\b/;
const QUESTION_FR = /^(?:quand|comment|pourquoi|combien|quel|quelle|quels|quelles|est-ce|est ce|(?:pouvez|pourriez|avez|auriez|savez)[- ]vous|(?:peux|pourrais)[- ]tu|y a[- ]t[- ]il|ou (?:en est|est|sont|en sont|se trouve)|des nouvelles|une idee)\b/;
const THANKS = /\b(?:thanks?|thank you|thx|ty|tyvm|cheers|apprec\w*|grateful|merci|remercie\w*)\b/;
const NEGATION = /^(?:not|nor|never|dont|don't|didnt|didn't|doesnt|doesn't|wont|won't|cant|can't|cannot|shouldnt|shouldn't|wouldnt|wouldn't|without|nope|ne|n'|pas|jamais|sans|inutile)$/;
const ACKNOWLEDGED = /^(?:thanks?|thank|thx|merci)$/;
/**
 * Left out of the AFINN sum: "no worries" and "no rush" (-3, -2) are the opposite of unhappy, and the words
 * of the request itself ("no need to cancel" is -2) say what is wanted, not how the customer feels.
 */
const NOT_FEELINGS = /\b(?:no|not a|not any) (?:problems?|worries|worry|rush|hurry|pressure|stress|issue|big deal)\b|\bdon'?t worry\b|\b(?:cancel\w*|no|stop|pay|paid|charged?|disput\w*|delay\w*|sorry)\b/g;

const analyzer = new Sentiment();
// AFINN is English, and French false friends skew it ("dire", to say, is -3): French text is scored
// on this small French list instead, with "pas"/"jamais"/"plus" inverting the word after them.
analyzer.registerLanguage('fr', {
  labels: {
    merci: 2, super: 2, genial: 3, parfait: 3, top: 2, content: 2, contente: 2, ravi: 3, ravie: 3, bravo: 2, excellent: 3,
    patient: 1, patiente: 1, bien: 1, cool: 1, adore: 3, triste: -2, decu: -2, decue: -2, mecontent: -2, mecontente: -2,
    probleme: -1, retard: -1, attente: 0, enerve: -3, enervee: -3, furieux: -3, furieuse: -3, colere: -3, nul: -3, nuls: -3,
    inadmissible: -3, inacceptable: -3, honteux: -3, honte: -3, scandaleux: -3, arnaque: -4, escroc: -4, escroquerie: -4,
    voleurs: -4, lamentable: -3, pitoyable: -3, deplorable: -3, marre: -3, pire: -3, degoute: -3, degoutee: -3, inquiet: -1,
  },
  scoringStrategy: {
    apply: (tokens, cursor, score) => (['pas', 'jamais', 'plus'].includes(tokens[cursor - 1] ?? '') ? -score : score),
  },
});

const FR_WORDS = new Set(['je', "j'ai", 'le', 'la', 'les', 'de', 'des', 'du', 'est', 'et', 'pas', 'vous', 'votre', 'vos', 'mon', 'ma', 'mes', 'une', 'pour', 'que', 'qui', 'ne', "c'est", "n'est", 'merci', 'bonjour', 'commande', 'avec', 'suis', 'quand', 'ca', 'nous', 'tres', 'mais', 'svp', 'au', 'aux']);
const EN_WORDS = new Set(['the', 'i', 'is', 'my', 'to', 'and', 'you', 'your', 'it', 'of', 'a', 'not', 'this', 'for', 'me', 'be', 'was', 'when', 'will', 'order', 'please', 'thanks', 'can', 'have', 'what', 'where', 'with', 'on', 'at', "i'm", "it's", 'just']);

function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u02bc`\u00b4]/g, "'")
    .replace(/[\u2010-\u2014]/g, '-')
    .replace(/[^\S\n]+/g, ' ');
}

/** The words before a match, nearest last; only the clause's own words count. */
function wordsBefore(clause: string, at: number, count: number): string[] {
  return clause.slice(Math.max(0, at - 60), at).split(' ').filter(Boolean).slice(-count);
}

function ruled(clause: string, rule: Rule): boolean {
  rule.pattern.lastIndex = 0;
  for (let m = rule.pattern.exec(clause); m; m = rule.pattern.exec(clause)) {
    if (!rule.negatable) return true;
    const before = wordsBefore(clause, m.index, 4);
    const after = clause.slice(m.index + m[0].length, m.index + m[0].length + 20).split(' ').filter(Boolean).slice(0, 2);
    const near = before.slice(-3);
    // "no" negates only right before the word ("no refund") or as "no need to cancel": "No I want to cancel" is a request.
    if (near.some((w) => NEGATION.test(w)) || near.at(-1) === 'no' || /\bno (?:need|reason)\b/.test(near.join(' ')) || after.includes('pas')) continue;
    if (rule.intent === 'refund' && before.some((w) => ACKNOWLEDGED.test(w))) continue;
    return true;
  }
  return false;
}

function shouting(text: string): boolean {
  const upper = text.match(/\p{Lu}/gu)?.length ?? 0;
  const lower = text.match(/\p{Ll}/gu)?.length ?? 0;
  const loudWords = text.match(/(?<!\p{L})\p{Lu}{3,}(?!\p{L})/gu)?.length ?? 0;
  return upper >= 12 && upper >= 0.7 * (upper + lower) && loudWords >= 2;
}

function looksFrench(folded: string, locale: string | undefined): boolean {
  let fr = 0;
  let en = 0;
  for (const word of folded.split(/[^a-z']+/)) {
    if (FR_WORDS.has(word)) fr++;
    else if (EN_WORDS.has(word)) en++;
  }
  return fr === en ? Boolean(locale?.toLowerCase().startsWith('fr')) : fr > en;
}

/**
 * What a customer's reply asks for. The rules decide the intents that start a flow or reach a person;
 * AFINN (through `sentiment`) only adds "angry". Question and thanks count only when nothing weightier
 * is present, so "Cancel it? Thanks" reads cancel alone. Pass the sender's own words (see ownWords).
 */
export function readReply(text: string, locale?: string): ReplyReading {
  const folded = fold(text);
  const clauses = folded.split(/[.!?;,()\n\r[\]"]+| (?:but|mais|however|though|cependant|sinon) /).map((c) => c.trim()).filter(Boolean);
  const found = new Set<Intent>();
  for (const rule of RULES) if (!found.has(rule.intent) && clauses.some((c) => ruled(c, rule))) found.add(rule.intent);
  if (folded.length < 40 && BARE_STOP.test(folded)) found.add('stop');

  const french = looksFrench(folded, locale);
  // Clause by clause, so a negator never reaches past a comma: "je n'en veux plus, merci" is not "plus merci".
  let sentiment = 0;
  for (const clause of clauses) sentiment += analyzer.analyze(clause.replace(NOT_FEELINGS, ' '), { language: french ? 'fr' : 'en' }).score;
  if (sentiment <= NEGATIVE_AT || shouting(text)) found.add('angry');

  if (found.size === 0) {
    if (folded.includes('?') || clauses.some((c) => QUESTION.test(c) || QUESTION_FR.test(c))) found.add('question');
    else if (THANKS.test(folded)) found.add('thanks');
  }
  const intents = INTENTS.filter((i) => found.has(i));
  if (intents.length === 0) intents.push('other');
  return { intent: intents[0]!, intents, sentiment };
}
