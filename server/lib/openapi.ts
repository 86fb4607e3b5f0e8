import { describeRoute } from 'hono-openapi';

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

type Auth = 'secret' | 'publishable' | 'root' | 'token' | 'signature';

const SECURITY: Record<Auth, Array<Record<string, string[]>> | undefined> = {
  secret: [{ secretKey: [] }],
  root: [{ rootToken: [] }],
  publishable: [{ publishableKey: [] }],
  token: undefined,
  signature: undefined,
};

/**
 * The OpenAPI description of a route, kept beside it: what it does, who may
 * call it, and the error answers every route shares. Request schemas come
 * from the route's own validators.
 */
export function doc(tag: string, auth: Auth, description: string, responses: Record<string, { description: string }> = { 200: { description: 'OK' } }) {
  return describeRoute({
    tags: [tag],
    description,
    ...(SECURITY[auth] ? { security: SECURITY[auth] } : {}),
    responses: {
      ...responses,
      400: error('Bad input: `{"error":{"code","message","field"}}`'),
      ...(auth === 'token' ? { 404: error('Unknown token') } : { 401: error('Missing or wrong key or signature') }),
      429: error('Rate limited; see Retry-After'),
    },
  });
}
