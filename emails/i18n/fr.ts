import type { StringKey } from './en.ts';

export const fr: Partial<Record<StringKey, string>> = {
  'email.footer.reason': "Vous recevez ce message car vous vous êtes inscrit(e) à une liste d'attente chez {shop}.",
  'email.footer.unsubscribe': 'Ne plus recevoir les e-mails de {shop}',
  'email.footer.leave': "Quitter cette liste d'attente",
  'email.contact': 'Des questions ? {contact}',
  'email.eta': 'Attendu entre le {earliest} et le {latest}.',
  'email.noEta': "Il n'y a pas encore de date de réassort. Nous vous la communiquerons dès que possible.",

  'confirmation.subject.waitlist': 'Vous êtes n°{position} dans la file pour {item}',
  'confirmation.subject.preorder': 'Votre précommande de {item} est réservée',
  'confirmation.heading.waitlist': 'Vous êtes sur la liste',
  'confirmation.heading.preorder': 'Votre précommande est réservée',
  'confirmation.body.waitlist': "Merci de vous être inscrit(e) à la liste d'attente pour {item}. Vous êtes n°{position} dans la file.",
  'confirmation.body.preorder': 'Merci pour votre précommande de {item}. Vous êtes n°{position} dans la file.',
  'confirmation.next':
    "Au réassort, les premières personnes de la file se voient réserver des unités pour une durée limitée, dans l'ordre d'inscription. Nous vous écrirons dès que ce sera votre tour.",

  'optin.subject': 'Confirmez votre place dans la file pour {item}',
  'optin.heading': 'Un clic pour confirmer',
  'optin.body': "Confirmez que vous souhaitez rejoindre la liste d'attente pour {item}. Votre place est prise dès la confirmation.",
  'optin.button': 'Confirmer ma place',
  'optin.ignore': "Si vous n'êtes pas à l'origine de cette demande, ignorez cet e-mail : vous ne recevrez rien d'autre.",

  'sms.confirmation': '{shop} : vous êtes n°{position} dans la file pour {item}. Nous vous écrirons quand ce sera votre tour.',
  'sms.optin': '{shop} : confirmez votre place dans la file pour {item} : {url}',
  'sms.stop': 'Répondez STOP pour vous désinscrire.',

  'page.unsubscribe.title': "Préférences d'e-mail",
  'page.unsubscribe.leaveQuestion': "Quitter la liste d'attente pour {item} ?",
  'page.unsubscribe.leaveButton': "Quitter cette liste d'attente",
  'page.unsubscribe.allQuestion': 'Ne plus recevoir aucun e-mail de {shop} à {email} ?',
  'page.unsubscribe.allButton': 'Me désinscrire de tous les e-mails',
  'page.unsubscribe.done': "Vous êtes désinscrit(e). {shop} n'écrira plus à {email}.",
  'page.unsubscribe.left': "Vous avez quitté la liste d'attente pour {item}.",
  'page.confirm.title': 'Place confirmée',
  'page.confirm.done': 'Vous êtes n°{position} dans la file pour {item}. Nous vous écrirons quand ce sera votre tour.',
  'page.confirm.notPending': "Ce lien a déjà été utilisé ou n'est plus valide.",
  'page.notFound': "Ce lien n'est pas valide.",
};
