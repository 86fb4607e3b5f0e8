import { ShopifyError } from './errors.ts';

type Graphql = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;
interface UserError {
  field: string[] | null;
  message: string;
}
interface Subscription {
  id: string;
  topic: string;
  uri: string;
}

/**
 * Our app's existing subscriptions for these topics. `uri` replaced callbackUrl/endpoint in 2025-10.
 * https://shopify.dev/docs/api/admin-graphql/2025-10/queries/webhookSubscriptions
 */
const LIST = `query WaitlineWebhooks($topics: [WebhookSubscriptionTopic!], $after: String) {
  webhookSubscriptions(first: 100, after: $after, topics: $topics) {
    pageInfo { hasNextPage endCursor }
    nodes { id topic uri }
  }
}`;

/** https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/webhookSubscriptionCreate */
const CREATE = `mutation WaitlineWebhookCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`;

/** https://shopify.dev/docs/api/admin-graphql/2025-10/mutations/webhookSubscriptionDelete */
const DELETE = `mutation WaitlineWebhookDelete($id: ID!) {
  webhookSubscriptionDelete(id: $id) {
    deletedWebhookSubscriptionId
    userErrors { field message }
  }
}`;

async function existing(graphql: Graphql, topics: readonly string[]): Promise<Subscription[]> {
  const found: Subscription[] = [];
  let after: string | null = null;
  do {
    const page: { webhookSubscriptions: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Subscription[] } } =
      await graphql(LIST, { topics, after });
    found.push(...page.webhookSubscriptions.nodes);
    after = page.webhookSubscriptions.pageInfo.hasNextPage ? page.webhookSubscriptions.pageInfo.endCursor : null;
  } while (after);
  return found;
}

const userErrorsText = (errors: UserError[]) => errors.map((e) => e.message).join('; ');

/** One subscription per topic to `uri`, reusing what is there, so connecting again makes no duplicates. */
export async function registerWebhooks(graphql: Graphql, uri: string, topics: readonly string[]): Promise<Array<{ topic: string; id: string }>> {
  const have = await existing(graphql, topics);
  const out: Array<{ topic: string; id: string }> = [];
  for (const topic of topics) {
    const same = have.find((s) => s.topic === topic && s.uri === uri);
    if (same) {
      out.push({ topic, id: same.id });
      continue;
    }
    const answer = await graphql<{ webhookSubscriptionCreate: { webhookSubscription: Subscription | null; userErrors: UserError[] } }>(CREATE, {
      topic,
      webhookSubscription: { uri, format: 'JSON' },
    });
    const { webhookSubscription, userErrors } = answer.webhookSubscriptionCreate;
    if (userErrors.length > 0 || !webhookSubscription) {
      throw new ShopifyError('invalid', `Shopify refused the ${topic} webhook: ${userErrorsText(userErrors) || 'no subscription made'}`);
    }
    out.push({ topic, id: webhookSubscription.id });
  }
  return out;
}

/** Deleting what is already gone counts as done: an uninstall may have removed it first. */
export async function deleteWebhooks(graphql: Graphql, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const answer = await graphql<{ webhookSubscriptionDelete: { userErrors: UserError[] } }>(DELETE, { id });
    const errors = answer.webhookSubscriptionDelete.userErrors.filter((e) => !/not exist|not found/i.test(e.message));
    if (errors.length > 0) throw new ShopifyError('invalid', `Shopify did not delete webhook ${id}: ${userErrorsText(errors)}`);
  }
}
