import { StringDecoder } from 'node:string_decoder';
import { catalogProduct, type CatalogProduct, type ProductNode } from './catalog.ts';
import { ShopifyError, type ShopifyErrorKind } from './errors.ts';
import type { graphqlClient } from './graphql.ts';
import { refusedAddress, type ShopifyDownload } from './http.ts';

type Graphql = ReturnType<typeof graphqlClient>;

/**
 * What PRODUCTS_QUERY selects, as a bulk query: connections as edges/node and no `first:`, so every
 * variant of a product arrives, also past 100. A bulk query has no cost limit.
 * https://shopify.dev/docs/api/usage/bulk-operations/queries
 */
export const CATALOG_EXPORT_QUERY = `{
  products {
    edges {
      node {
        id title handle productType tags
        featuredMedia { preview { image { url } } }
        variants {
          edges { node { id title price sku inventoryQuantity inventoryItem { id } image { url } } }
        }
      }
    }
  }
}`;

/**
 * Starts the export. `groupObjects: true` because the reader relies on each variant following its
 * product: since 2026-01 the default is false, which lets lines come in any order.
 * https://shopify.dev/docs/api/admin-graphql/2026-10/mutations/bulkOperationRunQuery
 * https://shopify.dev/changelog/bulk-operations-group-objects-default-changed-to-false
 */
export const RUN_EXPORT_MUTATION = `mutation WaitlineCatalogExport($query: String!) {
  bulkOperationRunQuery(query: $query, groupObjects: true) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}`;

/**
 * One operation by its id (new in 2026-01). currentBulkOperation answers only the latest one, which is
 * ambiguous now that an app may run several bulk queries at once.
 * https://shopify.dev/docs/api/admin-graphql/2026-10/queries/bulkOperation
 * https://shopify.dev/changelog/new-queries-for-bulk-operations
 */
export const BULK_OPERATION_QUERY = `query WaitlineBulkOperation($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount url partialDataUrl }
}`;

/** https://shopify.dev/docs/api/admin-graphql/2026-10/enums/BulkOperationStatus */
export type BulkStatus = 'CREATED' | 'RUNNING' | 'COMPLETED' | 'CANCELING' | 'CANCELED' | 'FAILED' | 'EXPIRED';

export interface BulkOperation {
  /** The GID, gid://shopify/BulkOperation/…. */
  id: string;
  status: BulkStatus;
  /** Set when FAILED: ACCESS_DENIED, INTERNAL_SERVER_ERROR or TIMEOUT (BulkOperationErrorCode). */
  errorCode: string | null;
  /** Products and variants processed so far: for a progress bar. */
  objectCount: number;
  /** The JSONL file once COMPLETED; it expires seven days later. */
  url: string | null;
  /** What a FAILED operation did fetch, if anything. */
  partialDataUrl: string | null;
}

interface UserError {
  field: string[] | null;
  message: string;
  code: string | null;
}

/**
 * Both mean "not now": OPERATION_IN_PROGRESS (one at a time before 2026-01, and the stub) and
 * LIMIT_REACHED (five at a time since).
 * https://shopify.dev/docs/api/admin-graphql/2026-10/enums/BulkOperationUserErrorCode
 */
const KIND_BY_CODE: Record<string, ShopifyErrorKind> = { OPERATION_IN_PROGRESS: 'in_progress', LIMIT_REACHED: 'in_progress' };

/** Starts a bulk export of the catalog. Throws ShopifyError 'in_progress' while another runs, 'invalid' for other refusals. */
export async function startCatalogExport(graphql: Graphql): Promise<Pick<BulkOperation, 'id' | 'status'>> {
  const answer = await graphql<{ bulkOperationRunQuery: { bulkOperation: { id: string; status: BulkStatus } | null; userErrors: UserError[] } | null }>(
    RUN_EXPORT_MUTATION,
    { query: CATALOG_EXPORT_QUERY },
  );
  const payload = answer.bulkOperationRunQuery;
  const [first] = payload?.userErrors ?? [];
  if (first) {
    const messages = payload!.userErrors.map((e) => e.message).join('; ');
    throw new ShopifyError(KIND_BY_CODE[first.code ?? ''] ?? 'invalid', `Starting the catalog export failed (${first.code ?? 'UNKNOWN'}): ${messages}`);
  }
  if (!payload?.bulkOperation) throw new ShopifyError('invalid', 'bulkOperationRunQuery answered no operation');
  return { id: payload.bulkOperation.id, status: payload.bulkOperation.status };
}

/** The operation now; 'not_found' when the store knows no such id. objectCount is an UnsignedInt64, sent as a string. */
export async function bulkOperation(graphql: Graphql, id: string): Promise<BulkOperation> {
  const { bulkOperation: op } = await graphql<{ bulkOperation: (Omit<BulkOperation, 'objectCount'> & { objectCount: string | number }) | null }>(BULK_OPERATION_QUERY, { id });
  if (!op) throw new ShopifyError('not_found', `No bulk operation ${id}`);
  return {
    id: op.id,
    status: op.status,
    errorCode: op.errorCode ?? null,
    objectCount: Number(op.objectCount ?? 0),
    url: op.url ?? null,
    partialDataUrl: op.partialDataUrl ?? null,
  };
}

/** A product of one batch, with only that batch's variants. */
export interface ExportedProduct extends CatalogProduct {
  /** True in the batch holding the product's own line; false where only more of its variants arrive. */
  named: boolean;
}

export interface ReadExportOptions {
  /** Lines already handed on before (the last `linesRead` stored): read again, not handed on. */
  skipLines?: number;
  /**
   * Each ~LINES_PER_BATCH lines: the products they hold, each with only this batch's variants, and the
   * lines read so far (to store as the next `skipLines`). Awaited: the download waits for it.
   */
  onBatch(products: ExportedProduct[], linesRead: number): Promise<void> | void;
}

export const LINES_PER_BATCH = 250;
/** Products kept for the variants still to come; with grouped output only the last one is ever needed. */
const KNOWN_PRODUCTS = 1000;

type ProductLine = Omit<ProductNode, 'variants'>;
type VariantLine = ProductNode['variants']['nodes'][number] & { __parentId: string };

/**
 * Streams the JSONL at `url` and answers the lines read. A product line has no `__parentId`; each of
 * its variants follows it, carrying `__parentId` = the product's GID. Nothing but the current batch and
 * a few recent products is held, however large the file.
 * https://shopify.dev/docs/api/usage/bulk-operations/queries
 */
export async function readCatalogExport(download: ShopifyDownload, url: string, options: ReadExportOptions): Promise<number> {
  const skip = options.skipLines ?? 0;
  const known = new Map<string, ProductLine>();
  let batch = new Map<string, ExportedProduct>();
  let inBatch = 0;
  let lines = 0;
  let rest = '';

  const flush = async () => {
    if (inBatch === 0) return;
    const products = [...batch.values()];
    batch = new Map();
    inBatch = 0;
    await options.onBatch(products, lines);
  };

  const take = async (text: string) => {
    if (!text.trim()) return;
    lines++;
    let row: (ProductLine & { __parentId?: undefined }) | VariantLine;
    try {
      row = JSON.parse(text);
    } catch {
      throw new ShopifyError('invalid', `Catalog export line ${lines} is not JSON`);
    }
    if (row.__parentId === undefined) {
      known.delete(row.id);
      known.set(row.id, row);
      if (known.size > KNOWN_PRODUCTS) known.delete(known.keys().next().value!);
      if (lines <= skip) return;
      batch.set(row.id, { ...catalogProduct({ ...row, variants: { nodes: [] } }), named: true });
    } else {
      const parent = known.get(row.__parentId);
      if (!parent) throw new ShopifyError('invalid', `Catalog export line ${lines}: a variant before its product`);
      if (lines <= skip) return;
      const { __parentId, ...variant } = row;
      const product = batch.get(__parentId) ?? { ...catalogProduct({ ...parent, variants: { nodes: [] } }), named: false };
      batch.set(__parentId, product);
      product.variants.push(...catalogProduct({ ...parent, variants: { nodes: [variant] } }).variants);
    }
    if (++inBatch >= LINES_PER_BATCH) await flush();
  };

  // A chunk may end inside a character or a line: the decoder and `rest` carry the piece over.
  const decoder = new StringDecoder('utf8');
  let own: unknown;
  let status: number;
  try {
    ({ status } = await download(url, async (chunk) => {
      const parts = (rest + decoder.write(chunk)).split('\n');
      rest = parts.pop()!;
      try {
        for (const part of parts) await take(part);
      } catch (error) {
        throw (own = error);
      }
    }));
  } catch (error) {
    if (error === own) throw error;
    if (refusedAddress(error)) throw new ShopifyError('invalid', "The catalog export's address is not allowed");
    throw new ShopifyError('unavailable', `The catalog export download broke off after ${lines} lines`);
  }
  if (status < 200 || status >= 300) throw downloadError(status);
  await take(rest + decoder.end());
  await flush();
  return lines;
}

/** The file's URL is signed and expires (403/404/410): the caller starts a new export. */
function downloadError(status: number): ShopifyError {
  const what = `Downloading the catalog export answered ${status}`;
  if (status === 403 || status === 404 || status === 410) return new ShopifyError('not_found', `${what}: the file is gone or its link expired`);
  if (status === 429 || status >= 500) return new ShopifyError('unavailable', what);
  return new ShopifyError('invalid', what);
}
