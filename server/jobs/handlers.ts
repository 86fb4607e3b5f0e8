import type { JobHandlers } from './queue.ts';

/**
 * Every job kind the scheduler knows. The restock engine adds hold expiry and
 * follow-ups here; each handler lives beside the service it drives.
 */
export const jobHandlers: JobHandlers = {};
