import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { Invalid } from './errors.ts';

/**
 * A text/csv request body as a stream of records. `columns` maps the header
 * row to our column names (false drops a column) and throws when a needed
 * column is missing.
 */
export function csvRows(req: Request, columns: (header: string[]) => Array<string | false>): AsyncIterable<Record<string, string>> {
  const type = req.headers.get('content-type') ?? '';
  if (!/^text\/csv\b/i.test(type)) throw Invalid('Send the CSV as the request body with Content-Type: text/csv', 'body');
  if (!req.body) throw Invalid('The CSV is empty', 'body');
  return Readable.fromWeb(req.body as never).pipe(
    parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, columns }),
  );
}

/** A file the parser cannot read is the caller's bad input, not our error. */
export async function readingCsv<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    // Not every parser error code starts with CSV_ (INVALID_OPENING_QUOTE does not); the class is what they share.
    if (error instanceof CsvError || (error instanceof Error && 'code' in error && String(error.code).startsWith('CSV_'))) throw Invalid(`The CSV cannot be read: ${error.message}`, 'body');
    throw error;
  }
}
