export { type OpenWriterCheck, openForWriting } from './open-files.js';
export { type ScanResult, scanFolders } from './scanner.js';
export { OutputSync, type OutputSyncOptions, SyncTimeoutError } from './sync-engine.js';
export { type JournalEntry, type JournalRecord, SyncJournal } from './sync-journal.js';
export type { OutputHub } from './types.js';
