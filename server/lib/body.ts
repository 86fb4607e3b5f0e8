import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from './errors.ts';

const tooLarge = (c: Context, maxSize: number) =>
  c.json(new AppError('payload_too_large', `Bodies are limited to ${maxSize / 1024} KiB`).toBody(), 413);

/** A body limit for routes that stream their body (CSV imports): Hono's, with the SPEC's 413. */
export const limitStream = (maxSize: number): MiddlewareHandler => bodyLimit({ maxSize, onError: (c) => tooLarge(c, maxSize) });

/**
 * A body limit for routes that read their body whole (JSON, forms, webhooks),
 * which under Node also reads it, straight off the socket stream. Hono's limit
 * reads `c.req.raw.body`, and that makes @hono/node-server wrap the Node
 * stream in a web Request and a ReadableStream: on the signup route that was
 * a fifth of the request's cost. Reading the Node stream and handing Hono the
 * text (its body cache) skips all of it; `c.req.json()`, `text()` and
 * `parseBody()` read from the cache. In-process requests (tests) have no Node
 * stream and go through Hono's limit.
 */
export function limitBody(maxSize: number): MiddlewareHandler {
  const inProcess = limitStream(maxSize);
  return async (c, next) => {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (!incoming) return inProcess(c, next);
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    if (Number(incoming.headers['content-length']) > maxSize) return tooLarge(c, maxSize);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of incoming as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxSize) return tooLarge(c, maxSize);
      chunks.push(chunk);
    }
    // Hono keeps promises in its body cache (its type says string).
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(Buffer.concat(chunks, size).toString('utf8'));
    return next();
  };
}
