/** Node-only helpers shared by the CLI, the agent and the hub (kept off the main entry so the web bundle never sees node:*). */
export * from './http/index.js';
export * from './multipart-upload.js';
export * from './part-uploader.js';
