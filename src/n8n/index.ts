// The one place where the core meets n8n: everything else in src/ is plain TypeScript.
export * from './context';
export * from './errors';
export * from './items';
export * from './parameters';
export * from './sync';
export * from './runs';
export * from './labels';
export * from './route';
export * from './partial';
