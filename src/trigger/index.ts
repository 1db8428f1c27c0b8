// The Metakocka Trigger's core: change detection by polling, and webhook checks. n8n-free.
export * from './poll';
export * from './webhook';
export { stamp } from './hash';
