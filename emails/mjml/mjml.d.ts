/** mjml 4's own API (synchronous); DefinitelyTyped's current @types/mjml-core describes mjml 5, which is async. */
declare module 'mjml' {
  export default function mjml2html(
    input: string,
    options?: { validationLevel?: 'strict' | 'soft' | 'skip'; keepComments?: boolean; fonts?: Record<string, string> },
  ): { html: string; errors: Array<{ formattedMessage: string }> };
}
