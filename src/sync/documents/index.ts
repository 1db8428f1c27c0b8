// Sales documents, one file per concern: input, resolution, sync, import, update.
export * from './input';
export * from './resolve';
export * from './sync';
export * from './import';
export * from './update';
