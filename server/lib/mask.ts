/**
 * j•••@example.com, or a phone with only its last four digits: enough for a
 * merchant to recognise someone, not to copy a list. Shared by the dashboard's
 * queue view and the API's restock preview, so both show the same thing.
 */
export const maskContact = (email: string | null, phone: string | null): string =>
  email ? email.replace(/^(.)[^@]*/, (_, first: string) => `${first}•••`) : phone ? `${phone.slice(0, -4).replace(/\d/g, '•')}${phone.slice(-4)}` : '—';
