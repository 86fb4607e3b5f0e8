import { ShopifyError, type ShopifyErrorKind } from './errors.ts';
import type { graphqlClient } from './graphql.ts';

/** The two states a Waitline hold moves a unit between; `available` is what the storefront sells. */
export type QuantityName = 'available' | 'reserved';

export interface QuantityMove {
  /** Numeric ids, as the catalog stores them. */
  inventoryItemId: string;
  locationId: string;
  /** Units to move, > 0. */
  quantity: number;
  from: QuantityName;
  to: QuantityName;
  /** Why: the hold (e.g. gid://waitline/Hold/42). Shown in the merchant's inventory history. */
  referenceDocumentUri: string;
  /** The ledger entry on the `reserved` side; Shopify refuses one on `available`. Never gid://shopify/…. */
  ledgerDocumentUri: string;
  /** One key per intended move, the same on every retry of it. */
  idempotencyKey: string;
}

/**
 * Moves quantities between states at one location. Since 2026-04 the @idempotent directive is
 * required (the schema does not say so; a call without it fails at run time), and since 2026-01 each
 * terminal must carry `changeFromQuantity`, even as null: null skips the compare-and-swap, which fits
 * because Waitline moves only the units it holds itself.
 * https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/inventoryMoveQuantities
 * https://shopify.dev/docs/api/admin-graphql/2026-10/input-objects/InventoryMoveQuantityTerminalInput
 * https://shopify.dev/docs/api/usage/idempotent-requests
 * https://shopify.dev/changelog/making-idempotency-mandatory-for-inventory-adjustments-and-refund-mutations
 */
export const MOVE_QUANTITIES_MUTATION = `mutation WaitlineMoveQuantities($input: InventoryMoveQuantitiesInput!, $key: String!) {
  inventoryMoveQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}`;

/**
 * `reason` must be one of Shopify's listed reasons; "reserved" is a quantity name, not a reason.
 * The list has reservation_created / reservation_deleted for setting units aside and releasing them.
 * https://shopify.dev/docs/apps/build/orders-fulfillment/inventory-management-apps/manage-quantities-states
 * https://shopify.dev/docs/api/admin-graphql/2026-10/input-objects/InventoryMoveQuantitiesInput
 */
export const MOVE_REASON: Record<QuantityName, string> = { reserved: 'reservation_created', available: 'reservation_deleted' };

interface UserError {
  field: string[] | null;
  message: string;
  code: string | null;
}
interface MoveAnswer {
  inventoryMoveQuantities: { inventoryAdjustmentGroup: { id: string } | null; userErrors: UserError[] } | null;
}

/**
 * The user error codes a caller acts on, by kind.
 * https://shopify.dev/docs/api/admin-graphql/2026-10/enums/InventoryMoveQuantitiesUserErrorCode
 * https://shopify.dev/docs/api/usage/implementing-idempotency
 * The enum has no "not enough stock" code: a move that would take the `from` state below zero is
 * INVALID_QUANTITY_NEGATIVE ("The quantity can't be negative"). This client never sends a negative
 * quantity, so from here that code can only mean the stock is no longer there (sold meanwhile).
 */
const KIND_BY_CODE: Record<string, ShopifyErrorKind> = {
  IDEMPOTENCY_CONCURRENT_REQUEST: 'in_progress',
  IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED: 'retry_with_new_key',
  INVALID_QUANTITY_NEGATIVE: 'insufficient_quantity',
  // "Try again": transient. Should the key be spent by it, the retry answers PREVIOUS_ATTEMPT_FAILED.
  MOVE_QUANTITIES_FAILED: 'unavailable',
  SERVICE_UNAVAILABLE: 'unavailable',
};

const NUMERIC = /^\d+$/;

function checked(move: QuantityMove): void {
  const bad = (why: string) => new ShopifyError('invalid', `Inventory move refused before sending: ${why}`);
  if (!NUMERIC.test(move.inventoryItemId) || !NUMERIC.test(move.locationId)) throw bad('ids must be numeric');
  if (!Number.isInteger(move.quantity) || move.quantity <= 0) throw bad('quantity must be a positive integer');
  if (move.from === move.to) throw bad('from and to must differ');
  if (!move.idempotencyKey) throw bad('an idempotency key is required');
  if (!move.referenceDocumentUri || !move.ledgerDocumentUri) throw bad('both document URIs are required');
}

/** One side of the move: the ledger document only on `reserved`, changeFromQuantity always, as null. */
function terminal(name: QuantityName, move: QuantityMove) {
  return {
    locationId: `gid://shopify/Location/${move.locationId}`,
    name,
    ledgerDocumentUri: name === 'reserved' ? move.ledgerDocumentUri : null,
    changeFromQuantity: null,
  };
}

/** The variables of one move; the same move always gives the same variables, so a retry replays. */
export function moveVariables(move: QuantityMove) {
  return {
    key: move.idempotencyKey,
    input: {
      reason: MOVE_REASON[move.to],
      referenceDocumentUri: move.referenceDocumentUri,
      changes: [
        {
          inventoryItemId: `gid://shopify/InventoryItem/${move.inventoryItemId}`,
          quantity: move.quantity,
          from: terminal(move.from, move),
          to: terminal(move.to, move),
        },
      ],
    },
  };
}

/**
 * Moves `quantity` units from one state to the other and answers the adjustment group's id (the same id
 * when Shopify replays an earlier success under the same key). Throws ShopifyError: 'in_progress',
 * 'retry_with_new_key' and 'insufficient_quantity' as above; 'unavailable' when the store did not
 * answer or asks to try again; 'invalid' for anything else (a key reused with other input among them).
 */
export async function moveQuantities(graphql: ReturnType<typeof graphqlClient>, move: QuantityMove): Promise<{ adjustmentGroupId: string | null }> {
  checked(move);
  const answer = await graphql<MoveAnswer>(MOVE_QUANTITIES_MUTATION, moveVariables(move));
  const payload = answer.inventoryMoveQuantities;
  if (!payload) throw new ShopifyError('invalid', 'inventoryMoveQuantities answered no payload');
  const [first] = payload.userErrors;
  if (first) {
    const code = first.code ?? 'UNKNOWN';
    const messages = payload.userErrors.map((e) => e.message).join('; ');
    throw new ShopifyError(KIND_BY_CODE[code] ?? 'invalid', `Moving ${move.quantity} ${move.from} → ${move.to} of item ${move.inventoryItemId} failed (${code}): ${messages}`);
  }
  return { adjustmentGroupId: payload.inventoryAdjustmentGroup?.id ?? null };
}
