import { parseJson, ShopifyError } from './errors.ts';
import { storeOrigin, type ShopifyAdminDeps } from './http.ts';
import { sendWithRetries } from './send.ts';

/** What /admin/oauth/access_token answers: `scope` is comma-separated, `expires_in` in seconds. */
interface TokenAnswer {
  access_token?: string;
  scope?: string;
  expires_in?: number;
  error?: string;
  error_description?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Client credentials grant, for an app owned by the store's own organisation. The token lasts
 * 24 hours (`expires_in`), so the caller refreshes it before then.
 * https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/client-credentials-grant
 */
export async function clientCredentialsToken(
  deps: ShopifyAdminDeps,
  shop: string,
  clientId: string,
  clientSecret: string,
): Promise<{ accessToken: string; scopes: string[]; expiresInMs: number }> {
  const answer = await requestToken(deps, shop, { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
  const expiresInMs = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in * 1000 : DAY_MS;
  return { accessToken: answer.access_token!, scopes: scopesOf(answer), expiresInMs };
}

/**
 * The authorization-code grant: the `code` Shopify put on the install callback, exchanged once.
 * https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant
 */
export async function authorizationCodeToken(
  deps: ShopifyAdminDeps,
  shop: string,
  clientId: string,
  clientSecret: string,
  code: string,
): Promise<{ accessToken: string; scopes: string[] }> {
  const answer = await requestToken(deps, shop, { client_id: clientId, client_secret: clientSecret, code });
  return { accessToken: answer.access_token!, scopes: scopesOf(answer) };
}

const scopesOf = (answer: TokenAnswer) => (answer.scope ?? '').split(',').map((s) => s.trim()).filter(Boolean);

async function requestToken(deps: ShopifyAdminDeps, shop: string, form: Record<string, string>): Promise<TokenAnswer> {
  const what = 'Shopify token request';
  const res = await sendWithRetries(deps, `${storeOrigin(deps, shop)}/admin/oauth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  }, what);
  if (res.status >= 200 && res.status < 300) {
    const answer = parseJson<TokenAnswer>(res.body, what);
    if (typeof answer.access_token !== 'string' || !answer.access_token) throw new ShopifyError('invalid', `${what}: no access_token in the answer`);
    return answer;
  }
  throw tokenError(res.status, res.body, what);
}

/**
 * Shopify answers a wrong client id or secret with 400 {"error":"invalid_client"}, and a used or
 * unknown code with 400 {"error":"invalid_request"}. An answer without a readable body (a proxy's
 * bare 400 or 401) counts as refused credentials.
 */
function tokenError(status: number, body: string, what: string): ShopifyError {
  let code = '';
  try {
    code = String((JSON.parse(body) as TokenAnswer).error ?? '');
  } catch {
    // Not JSON: the status alone decides.
  }
  if (code === 'invalid_client' || status === 401 || (status === 400 && code === '')) {
    return new ShopifyError('unauthorized', `${what}: the client id or secret was refused`);
  }
  if (status === 403) return new ShopifyError('forbidden', `${what}: the app may not take a token for this store (403)`);
  if (status === 404) return new ShopifyError('not_found', `${what}: no such store (404)`);
  return new ShopifyError('invalid', `${what}: refused (${code || status})`);
}
