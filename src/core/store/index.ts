/** The store domain's public face: NeDB persistence of sessions (DESIGN.md §3). */
export { createSessionStore, type SessionStoreOptions } from './session-store.js';
export { assertSessionName, validateSessionName } from './names.js';
export type { StoreFaults } from './io.js';
export type {
  DoctorReport,
  LockHolder,
  OctoPaths,
  ReadOnlySession,
  SessionStore,
  SessionWriter,
  StoreWarning,
} from './types.js';
