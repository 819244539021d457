/** The store domain's public face: NeDB persistence of sessions, and the record types it owns. */
export { createSessionStore, type SessionStoreOptions } from './session-store.js';
export { assertSessionName, validateSessionName } from './names.js';
export { isSessionSummary } from './summary-schema.js';
export type { StoreFaults } from './io.js';
export type {
  DoctorReport,
  FileState,
  FileWatch,
  LockHolder,
  OctoPaths,
  ReadOnlySession,
  ResumeHint,
  SessionStore,
  RecordRebuild,
  RecordSink,
  SessionWriter,
  StoreWarning,
} from './types.js';
export * from './records.js';
export { readSummaries } from './index-read.js';
export { StoreLayout } from './layout.js';
