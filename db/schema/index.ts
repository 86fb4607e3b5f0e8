export * from './shops.ts';
export * from './variants.ts';
export * from './contacts.ts';
export * from './signups.ts';
export * from './offers.ts';
export * from './messages.ts';
export * from './jobs.ts';
