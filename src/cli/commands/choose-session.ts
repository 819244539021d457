/** Which session `octo run` (one turn, or a daemon) works in, and the error for a name that does not exist. */
import type { SessionHandle, Workspace } from '../../core/api.js';
import { OctoError } from '../../core/errors.js';
import type { RunOptions } from '../parse.js';

export async function notFound(ws: Workspace, name: string): Promise<OctoError> {
  const trashed = (await ws.sessions.list({ includeTrash: true })).find(
    (s) => s.name === name && s.trashedAt !== null,
  );
  if (trashed) {
    return new OctoError(
      'session_not_found',
      `Session ${name} is in the trash. Restore it with: octo sessions restore ${name}`,
    );
  }
  const near = await ws.sessions.closestNames(name);
  const hint =
    near.length > 0 ? ` Closest names: ${near.join(', ')}.` : ' There are no sessions with a similar name.';
  return new OctoError('session_not_found', `No session named ${name}.${hint}`, {
    details: { name, closest: near },
  });
}

/**
 * The session a one-shot turn or a daemon runs in: --name (created if new), --resume NAME (never created:
 * docs/faults.md row 7), --resume-recent, else a new one.
 */
export async function chooseSession(ws: Workspace, options: RunOptions): Promise<SessionHandle> {
  const model = options.model === undefined ? {} : { model: options.model };
  if (options.name !== undefined) return ws.sessions.open(options.name, { create: true, ...model });
  if (typeof options.resume === 'string') {
    if ((await ws.sessions.find(options.resume)) === null) throw await notFound(ws, options.resume);
    return ws.sessions.open(options.resume, model);
  }
  if (options.resumeRecent) {
    const recent = await ws.sessions.mostRecent(ws.project.id);
    if (recent === null) {
      throw new OctoError(
        'session_not_found',
        `No session of ${ws.project.dir} yet; start one with --name NAME.`,
      );
    }
    return ws.sessions.open(recent.id, model);
  }
  return ws.sessions.create(undefined, model);
}
