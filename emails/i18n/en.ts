/** English, the fallback for every key. `{name}` placeholders are filled at render time. */
export const en = {
  'email.footer.reason': 'You are getting this because you joined a waitlist at {shop}.',
  'email.footer.unsubscribe': 'Unsubscribe from {shop} emails',
  'email.footer.leave': 'Leave this waitlist',
  'email.contact': 'Questions? {contact}',
  'email.eta': 'Expected between {earliest} and {latest}.',
  'email.noEta': 'There is no restock date yet. We will tell you as soon as there is one.',

  'confirmation.subject.waitlist': "You're #{position} in line for {item}",
  'confirmation.subject.preorder': 'Your pre-order of {item} is reserved',
  'confirmation.heading.waitlist': "You're on the list",
  'confirmation.heading.preorder': 'Your pre-order is reserved',
  'confirmation.body.waitlist': "Thanks for joining the waitlist for {item}. You're #{position} in line.",
  'confirmation.body.preorder': "Thanks for pre-ordering {item}. You're #{position} in line.",
  'confirmation.next':
    'When it is back, the people at the front of the line get units held for them for a limited time, in the order they joined. We will email you the moment it is your turn.',

  'optin.subject': 'Confirm your place in line for {item}',
  'optin.heading': 'One click to confirm',
  'optin.body': 'Please confirm that you want to join the waitlist for {item}. You take your place in line when you confirm.',
  'optin.button': 'Confirm my place',
  'optin.ignore': 'If you did not ask for this, ignore this email and nothing more will be sent.',

  'sms.confirmation': "{shop}: you're #{position} in line for {item}. We'll text you when it's your turn.",
  'sms.optin': '{shop}: confirm your place in line for {item}: {url}',
  'sms.stop': 'Reply STOP to opt out.',

  'page.unsubscribe.title': 'Email preferences',
  'page.unsubscribe.leaveQuestion': 'Leave the waitlist for {item}?',
  'page.unsubscribe.leaveButton': 'Leave this waitlist',
  'page.unsubscribe.allQuestion': 'Stop all emails from {shop} to {email}?',
  'page.unsubscribe.allButton': 'Unsubscribe from all emails',
  'page.unsubscribe.done': 'You are unsubscribed. {shop} will not email {email} again.',
  'page.unsubscribe.left': 'You have left the waitlist for {item}.',
  'page.confirm.title': 'Place confirmed',
  'page.confirm.done': "You're #{position} in line for {item}. We will email you when it is your turn.",
  'page.confirm.notPending': 'This link has already been used or is no longer valid.',
  'page.notFound': 'This link is not valid.',
} as const;

export type StringKey = keyof typeof en;
