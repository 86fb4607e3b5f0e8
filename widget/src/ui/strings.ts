/** The widget's own few strings; the shop's `strings` override them per locale. */
const catalogs: Record<string, Record<string, string>> = {
  en: {
    'widget.title.waitlist': 'Sold out — join the waitlist',
    'widget.title.preorder': 'Pre-order — expected {earliest}–{latest}',
    'widget.email': 'Email',
    'widget.button': 'Notify me',
    'widget.joined': "You're #{position} in line. We'll email {email} when it's your turn.",
    'widget.queue': '{count} people waiting',
  },
  fr: {
    'widget.title.waitlist': "Épuisé — rejoignez la liste d'attente",
    'widget.title.preorder': 'Précommande — attendu entre le {earliest} et le {latest}',
    'widget.email': 'E-mail',
    'widget.button': 'Me prévenir',
    'widget.joined': 'Vous êtes n°{position} dans la file. Nous écrirons à {email} quand ce sera votre tour.',
    'widget.queue': '{count} personnes en attente',
  },
};

export type T = (key: string, vars?: Record<string, string | number>) => string;

export function makeT(locale: string, overrides: Record<string, Record<string, string>>): T {
  const base = locale.toLowerCase().split('-')[0] || 'en';
  return (key, vars = {}) => {
    const s = overrides[locale]?.[key] ?? overrides[base]?.[key] ?? catalogs[base]?.[key] ?? catalogs.en![key] ?? key;
    return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
  };
}
