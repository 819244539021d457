/**
 * The "events" capability (octo attach): a client that asks for it gets the workspace's own events about
 * its session as `event` frames, and the session's snapshot when it attaches, so it can show everything
 * a local workspace shows (records, turns, context, jobs) from a snapshot plus events.
 */
import type { JobInfo, SessionHandle, SessionSnapshot, Workspace } from '../core/api.js';
import { OCTO_EVENT_NAMES, type OctoEventName, type OctoEvents } from '../core/events.js';
import type { LiveSession } from './live-session.js';

/**
 * Events that belong to no session (MCP servers, the project watcher, the list, trust, the store) stay
 * with the process that has them, and so does an attached terminal's own 'session.detached'; approvals travel as approval_request frames, which reach an agent's
 * questions through its parent session's clients.
 */
const NOT_FORWARDED: ReadonlySet<OctoEventName> = new Set<OctoEventName>([
  'session.listChanged',
  'session.detached',
  'mcp.status',
  'project.filesChanged',
  'project.watch',
  'trust.changed',
  'store.warning',
  'approval.requested',
  'approval.settled',
]);

export const FORWARDED_EVENTS: readonly OctoEventName[] = OCTO_EVENT_NAMES.filter(
  (name) => !NOT_FORWARDED.has(name),
);

/** The session an event is about, or null. */
export function eventSession<K extends OctoEventName>(name: K, payload: OctoEvents[K]): string | null {
  if (name === 'session.updated') return (payload as OctoEvents['session.updated']).summary.id;
  const id = (payload as { sessionId?: unknown }).sessionId;
  return typeof id === 'string' ? id : null;
}

/** Forwards each session's events to its clients with the "events" capability; returns the unsubscribe. */
export function forwardEvents(
  ws: Workspace,
  byId: (sessionId: string) => LiveSession | undefined,
): () => void {
  const offs = FORWARDED_EVENTS.map((name) =>
    ws.on(name, (payload: OctoEvents[typeof name]) => {
      const sessionId = eventSession(name, payload);
      const live = sessionId === null ? undefined : byId(sessionId);
      // Nobody attached asked for events: no frame, and no seq taken from the other clients' sequence.
      if (live === undefined || !live.wants('events')) return;
      live.emit({ type: 'event', session_id: live.name, name, payload }, 'events');
    }),
  );
  return () => offs.forEach((off) => off());
}

/** What an "events" client gets in the status frame of its session frame: where its events start from. */
export function eventsSeed(
  ws: Workspace,
  handle: SessionHandle,
): { snapshot: SessionSnapshot; jobs: JobInfo[] } {
  return {
    snapshot: handle.snapshot(),
    jobs: ws.jobs.list().filter((job) => job.sessionId === handle.id),
  };
}
