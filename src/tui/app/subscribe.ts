/** The screen follows the workspace: every event goes to the reducer, after what was there before it. */
import { OCTO_EVENT_NAMES, type OctoEvent, type OctoEvents } from '../../core/events.js';
import type { Controller } from './controller.js';

/** Subscribes the controller to every workspace event; returns the unsubscribe function. */
export function subscribe(c: Controller): () => void {
  const { ws } = c;
  c.dispatch({ type: 'seeded', jobs: ws.jobs.list(), mcp: ws.mcp.list(), approvals: ws.approvals.pending() });
  const offs = OCTO_EVENT_NAMES.map((name) =>
    ws.on(name, (payload: OctoEvents[typeof name]) =>
      c.dispatch({ type: 'workspace', event: { name, payload } as OctoEvent, at: c.deps.clock() }),
    ),
  );
  return () => offs.forEach((off) => off());
}
