/** What each widget string is, in the words of the person editing it (Settings shows these, not the keys). */
export const WIDGET_LABELS: Record<string, string> = {
  'widget.button': 'Button (waitlist)',
  'widget.button.preorder': 'Button (pre-order)',
  'widget.title.waitlist': 'Heading when sold out',
  'widget.title.preorder': 'Heading for a pre-order with dates',
  'widget.title.preorderNoEta': 'Heading for a pre-order without dates',
  'widget.slots': 'Pre-orders left',
  'widget.eta': 'Expected date line',
  'widget.email': 'Email field',
  'widget.phone': 'Mobile number field',
  'widget.quantity': 'Quantity field',
  'widget.sms': 'Texts checkbox',
  'widget.consent': 'Text consent checkbox',
  'widget.legal': 'Text consent fine print',
  'widget.joined': 'After joining the waitlist',
  'widget.joined.preorder': 'After a pre-order with dates',
  'widget.joined.preorderNoEta': 'After a pre-order without dates',
  'widget.pending': 'Waiting for email confirmation',
  'widget.exists': 'Already in line',
  'widget.offered': 'When it is their turn',
  'widget.claim': 'Claim button',
  'widget.leave': 'Leave the list link',
  'widget.reserved': 'Reserved until',
  'widget.error.email': 'Error: bad email',
  'widget.error.consent': 'Error: texts without consent',
  'widget.error.network': 'Error: could not reach the server',
};

/** A key the list above does not know yet still gets a readable label. */
export const widgetLabel = (key: string) => WIDGET_LABELS[key] ?? key.replace(/^widget\./, '').replace(/[.]/g, ' ');
