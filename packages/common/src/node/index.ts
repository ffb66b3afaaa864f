/** Node-only helpers shared by the CLI and the agent (kept off the main entry so the web bundle never sees node:*). */
export * from './multipart-upload.js';
export * from './part-uploader.js';
