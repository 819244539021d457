import type { Workspace } from '../api.js';
import { OpenSessions, type SessionsDeps } from './open-sessions.js';
import { SessionCatalog } from './session-catalog.js';
import { StoredSessions } from './stored-sessions.js';

export type { SessionsDeps } from './open-sessions.js';

/** The `sessions` part of the workspace, and what the workspace itself needs of the open ones. */
export interface SessionsPart {
  api: Workspace['sessions'];
  /** Stops what a session open here is doing; false when it is not open here. */
  interrupt(id: string): boolean;
  purgeTrash(): Promise<string[]>;
  closeAll(): Promise<void>;
}

/**
 * Finding sessions (session-catalog.ts), the ones open here (open-sessions.ts) and what is done to a
 * session by name (stored-sessions.ts), wired into the workspace API's `sessions`.
 */
export function createSessions(deps: SessionsDeps): SessionsPart {
  const catalog = new SessionCatalog(deps);
  const opened = new OpenSessions(deps, catalog);
  const stored = new StoredSessions(deps, catalog, opened);
  return {
    api: {
      list: (o) => catalog.list(o),
      find: (n) => catalog.find(n),
      closestNames: (n, l) => catalog.closestNames(n, l),
      mostRecent: (p) => catalog.mostRecent(p),
      search: (t, o) => catalog.search(t, o),
      open: (n, o) => opened.openSession(n, o),
      create: (n, o) => opened.create(n, o),
      show: (n) => stored.show(n),
      rename: (n, m) => stored.rename(n, m),
      trash: (n) => stored.trash(n),
      restore: (n) => stored.restore(n),
      export: (n, f) => stored.export(n, f),
      fork: (n, m, o) => stored.fork(n, m, o),
      move: (n, d) => stored.move(n, d),
    },
    interrupt: (id) => opened.interrupt(id),
    purgeTrash: () => stored.purgeTrash(),
    closeAll: () => opened.closeAll(),
  };
}
