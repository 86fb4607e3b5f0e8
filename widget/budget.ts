/** SPEC §7, in gzipped bytes: the loader (what every product page downloads), and the loader plus the form chunk. */
export const BUDGET = { loader: 3 * 1024, total: 10 * 1024 };
