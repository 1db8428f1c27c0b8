// AI context and drafting: plain TypeScript, no n8n. Only reads from Metakocka.
export * from './context';
export * from './respond';
