/**
 * The widget's English strings: the catalog every other language follows key
 * for key. Like every language, they are served with the config (`shop.strings`,
 * merged with the shop's own overrides), never bundled: every byte of copy in
 * the bundle would be paid by every product view of every store.
 */
export const en: Record<string, string> = {
  'widget.button': 'Notify me',
  'widget.button.preorder': 'Pre-order',
  'widget.title.waitlist': 'Sold out. Get notified when it is back',
  'widget.title.preorder': 'Pre-order, expected {earliest}–{latest}',
  'widget.title.preorderNoEta': 'Pre-order now',
  'widget.slots': '{count} left',
  'widget.eta': 'Expected back {earliest}–{latest}',
  'widget.email': 'Email',
  'widget.phone': 'Mobile number',
  'widget.quantity': 'Quantity',
  'widget.sms': 'Text me too',
  'widget.consent': 'Yes, text me about this item',
  'widget.legal': 'By checking this box you agree to receive texts from {shop} about this item. Msg & data rates may apply. Reply STOP to opt out.',
  'widget.joined': "You're #{position} in line. We'll message {to} when it's your turn.",
  // A pre-order is a place in line for the incoming stock; nothing is paid until the shopper checks out.
  'widget.joined.preorder':
    "Pre-order placed: you're #{position} in line for the incoming stock, expected {earliest}–{latest}. We'll message {to} when it's ready for you. Nothing is charged now.",
  'widget.joined.preorderNoEta':
    "Pre-order placed: you're #{position} in line for the incoming stock. We'll message {to} when it's ready for you. Nothing is charged now.",
  'widget.pending': 'Check {to} to confirm your place in line.',
  // Never "we've sent a link to {to}": the link goes to the contact's own address (maybe not what was
  // typed), at most once a day, and not past an opt-out, bounce or cap. An instruction claims nothing.
  'widget.exists': "You're already in line. Use the link in our message to you to see or leave your place.",
  'widget.offered': "It's your turn: held for you until {time}.",
  'widget.claim': 'Claim it',
  'widget.leave': 'Leave the list',
  'widget.reserved': 'Reserved for you until {time}.',
  'widget.error.email': 'Enter a valid email address.',
  'widget.error.consent': 'Tick the box to get texts, or leave the number empty.',
  'widget.error.network': 'Something went wrong. Please try again.',
};
