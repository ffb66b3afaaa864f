// The endpoint catalogue and its typed client (see endpoints/index.ts).
export * from './client.js';
export * from './client-error.js';
export * from './endpoint.js';
export * from './endpoint-url.js';
export * from './endpoints/index.js';
