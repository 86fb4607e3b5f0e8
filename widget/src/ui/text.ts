/**
 * The English of what the loader shows without the form chunk: the compact
 * button. strings.ts takes it into the full table, so the server's catalogs
 * and the dashboard see one list.
 */
export const loaderEn: Record<string, string> = {
  'widget.button': 'Notify me',
  'widget.button.preorder': 'Pre-order',
};
