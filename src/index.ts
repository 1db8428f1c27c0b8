// The one import path from nodes/ into the core: nodes import from here, never from deeper files.
export * from './client';
// Two modules name a redactSecrets; the client's (with the secrets to remove) is the public one.
export { redactSecrets } from './client';
export * from './input';
export * from './n8n';
export * from './store';
export * from './ai';
export * from './email';
export * from './template';
export * from './trigger';
export * from './sync/conflict';
export * from './sync/documents';
export * from './sync/importPartners';
export * from './sync/mappings';
export * from './sync/partners';
export * from './sync/partnerFields';
export { compact } from './sync/fields';
export type { DryRunAction, DryRunOutcome, SyncStatus } from './sync/pipeline';
export * from './sync/products';
export { settle, type Settled } from './client/errors';
