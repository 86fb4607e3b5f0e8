export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'internal';

const STATUS: Record<ErrorCode, 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
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
export const Conflict = (message: string) => new AppError('conflict', message);
export const Unauthorized = (message = 'A valid API key is required') => new AppError('unauthorized', message);
export const Forbidden = (message: string) => new AppError('forbidden', message);
export const RateLimited = (retryAfterSeconds: number) =>
  new AppError('rate_limited', 'Too many requests, try again later', undefined, retryAfterSeconds);
