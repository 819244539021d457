/**
 * Which session the workspace opens on: named, picker, or the project's most recent (else a new one).
 * The finding and opening (disk and locks) start before the screen is built, so the two overlap.
 */
import type { SessionHandle, SessionSummary, Workspace } from '../../core/api.js';
import type { Controller } from './controller.js';
import { currentSession } from './state.js';

export type Listing = { ok: true; summaries: SessionSummary[] } | { ok: false; error: unknown };

export type FirstSession =
  { kind: 'open'; handle: SessionHandle } | { kind: 'picker' } | { kind: 'failed'; error: unknown };

export interface StartOptions {
  sessionName?: string;
  create?: boolean;
  picker?: boolean;
  model?: string;
}

/** The session list, read once for both the pane and the choice of the first session. */
export function listSessions(ws: Workspace): Promise<Listing> {
  return ws.sessions.list().then(
    (summaries): Listing => ({ ok: true, summaries }),
    (error: unknown): Listing => ({ ok: false, error }),
  );
}

async function open(
  ws: Workspace,
  options: StartOptions,
  listing: Promise<Listing>,
): Promise<SessionHandle | null> {
  const model = options.model === undefined ? {} : { model: options.model };
  if (options.sessionName !== undefined) {
    return ws.sessions.open(options.sessionName, {
      ...model,
      ...(options.create === true ? { create: true } : {}),
    });
  }
  const listed = await listing;
  // The list is ordered by the store's counter, most recent first (the same order mostRecent uses).
  const recent = listed.ok
    ? listed.summaries.find((s) => s.projectId === ws.project.id)
    : await ws.sessions.mostRecent(ws.project.id);
  if (recent != null) return ws.sessions.open(recent.id, model);
  return ws.sessions.create(undefined, model);
}

export async function openFirst(
  ws: Workspace,
  options: StartOptions,
  listing: Promise<Listing>,
): Promise<FirstSession> {
  if (options.picker === true) return { kind: 'picker' };
  try {
    const handle = await open(ws, options, listing);
    return handle === null ? { kind: 'picker' } : { kind: 'open', handle };
  } catch (error) {
    // The workspace still opens: the other sessions are usable and the failure is shown on it.
    return { kind: 'failed', error };
  }
}

export function applyFirst(c: Controller, first: FirstSession): void {
  switch (first.kind) {
    case 'open':
      c.handles.set(first.handle.id, first.handle);
      return c.dispatch({ type: 'opened', snapshot: first.handle.snapshot(), token: null });
    case 'failed':
      return c.report(first.error, 'Opening the session');
    case 'picker':
      return c.dispatch({ type: 'picker' });
  }
}

/** Checks the open session's model; when it cannot be called, says so and looks for local servers. */
export function checkProvider(c: Controller): void {
  const providers = c.deps.ws.providers;
  if (providers === undefined) return;
  const model = currentSession(c.state)?.summary.model ?? c.deps.ws.config.model;
  const problem = providers.problem(model);
  if (problem === null) return;
  c.dispatch({ type: 'providerMissing', model, problem });
  c.run(
    'Looking for a local model server',
    async () => c.dispatch({ type: 'localServers', servers: await providers.findLocal() }),
    { untracked: true },
  );
}
