import { lostConnection } from '../../db/transaction.ts';
export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'internal'
  | 'unavailable';

const STATUS: Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/** The one domain error. Services throw it; `app.onError` turns it into the SPEC error shape. */
export class AppError extends Error {
  readonly status: (typeof STATUS)[ErrorCode];
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.status = STATUS[code];
  }

  toBody() {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

export const Invalid = (message: string, field?: string) => new AppError('invalid_request', message, field);
export const NotFound = (what: string) => new AppError('not_found', `${what} not found`);
export const Conflict = (message: string, field?: string) => new AppError('conflict', message, field);
export const Unauthorized = (message = 'A valid API key is required') => new AppError('unauthorized', message);
export const Forbidden = (message: string) => new AppError('forbidden', message);
export const RateLimited = (retryAfterSeconds: number) =>
  new AppError('rate_limited', 'Too many requests, try again later', undefined, retryAfterSeconds);
export const Unavailable = (message: string, retryAfterSeconds?: number) => new AppError('unavailable', message, undefined, retryAfterSeconds);

/**
 * PostgreSQL refuses text with U+0000 (and bytes its encoding cannot hold)
 * where SQLite stores them. Validation refuses control characters in every
 * API field and webhooks are cleaned (server/routes/webhooks.ts), so this is
 * the net under both: a 400, not a 500, with nothing stored (the statement
 * failed, so its transaction rolled back).
 */
export function unstorableText(error: unknown): AppError | null {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === '22021' || code === '22P05') return Invalid('The request contains a character that cannot be stored (U+0000)');
  }
  return null;
}

/**
 * The text of a unique-constraint violation on either engine (SQLite's message
 * names `table.column`; PostgreSQL's names the index and the key), or null
 * for any other error.
 */
export function uniqueViolation(error: unknown): string | null {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const { code, constraint, detail } = e as { code?: unknown; constraint?: string; detail?: string };
    if (code === '23505') return `${constraint ?? ''} ${detail ?? ''} ${e.message}`;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return e.message;
  }
  return null;
}

/** The SQLite result code (`SQLITE_FULL`, `SQLITE_CONSTRAINT_UNIQUE`…) of an error, through drizzle's wrapping. */
export function sqliteCode(error: unknown): string | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
  }
  return undefined;
}

/**
 * A database that cannot take the write just now: the disk (or max_page_count) is full,
 * or another process held the write lock past busy_timeout. Neither is the request's fault
 * nor a bug, so the answer is 503, to be retried, rather than 500.
 */
export function storageUnavailable(error: unknown): AppError | null {
  if (lostConnection(error)) return Unavailable('The database cannot be reached; try again shortly', 5);
  const code = sqliteCode(error);
  if (code === 'SQLITE_FULL') return Unavailable('The database is full; try again later', 60);
  if (code?.startsWith('SQLITE_BUSY')) return Unavailable('The database is busy; try again shortly', 1);
  return null;
}
