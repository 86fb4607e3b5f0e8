import { freshdeskApi } from './freshdesk.ts';
import { gorgiasApi } from './gorgias.ts';
import { reamazeApi } from './reamaze.ts';
import type { HelpdeskAccount, HelpdeskApi, HelpdeskHttp, HelpdeskKind } from './types.ts';
import { zendeskApi } from './zendesk.ts';

export { HELPDESK_KINDS, HelpdeskError, SUBDOMAIN } from './types.ts';
export type { HelpdeskAccount, HelpdeskApi, HelpdeskErrorKind, HelpdeskHttp, HelpdeskKind, NewTicket, TicketRef } from './types.ts';

const HOSTS: Record<HelpdeskKind, string> = {
  gorgias: 'gorgias.com',
  zendesk: 'zendesk.com',
  freshdesk: 'freshdesk.com',
  reamaze: 'reamaze.io',
};

/** The API host of an account: acme.zendesk.com. The subdomain is checked against SUBDOMAIN before any request. */
export const helpdeskHost = (kind: HelpdeskKind, subdomain: string): string => `${subdomain}.${HOSTS[kind]}`;

const CLIENTS = { gorgias: gorgiasApi, zendesk: zendeskApi, freshdesk: freshdeskApi, reamaze: reamazeApi } as const;

/**
 * The client of one shop's helpdesk. `origin` (from config, for tests and proxies) replaces
 * https://{subdomain}.<vendor host>.
 */
export function helpdeskApi(http: HelpdeskHttp, account: HelpdeskAccount, origin?: string | null): HelpdeskApi {
  const base = origin ? origin.replace(/\/+$/, '') : `https://${helpdeskHost(account.kind, account.subdomain)}`;
  return CLIENTS[account.kind](http, account, base);
}
