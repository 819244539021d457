/** Opens the core lazily: --help, --version and usage errors never load it (start-up time). */
import type { Workspace } from '../core/api.js';
import { assertSessionName } from '../core/listing.js';
import type { WorkspaceDeps } from '../core/deps.js';
import type { WorkspaceOptions } from '../core/workspace.js';
import type { CliIo } from './io.js';

/**
 * Refuses bad session names (docs/faults.md row 8) with the core's own rule, before the workspace is
 * created, so a refused name never touches the data folder.
 */
export function assertNames(names: ReadonlyArray<string | undefined>): void {
  for (const name of names) if (name !== undefined) assertSessionName(name);
}

/**
 * How tool calls that need approval are handled: granted (`--allow`), asked (the full screen) or
 * refused; and whether the project's config is trusted for this run (`--trust-project`).
 */
export type ApprovalMode = Pick<WorkspaceOptions, 'allow' | 'interactive' | 'trustProject'>;

export async function openWorkspace(
  io: CliIo,
  onListenerError: (error: unknown) => void,
  approval: ApprovalMode = {},
): Promise<Workspace> {
  const { createWorkspace } = await import('../core/workspace.js');
  return createWorkspace(workspaceDeps(io), { onListenerError, ...approval });
}

export function workspaceDeps(io: CliIo): WorkspaceDeps {
  return { env: io.env, home: io.home, cwd: io.cwd, clock: { now: () => io.now() }, pid: io.pid };
}

/**
 * Runs `use` on a fresh workspace and always closes it (locks released, files compacted). When both
 * fail, the first error is the one the user needs; the closing error goes to `onSecondaryError`.
 */
export async function withWorkspace<T>(
  io: CliIo,
  onSecondaryError: (error: unknown) => void,
  use: (ws: Workspace) => Promise<T>,
  approval: ApprovalMode = {},
): Promise<T> {
  const ws = await openWorkspace(io, onSecondaryError, approval);
  let result: T;
  try {
    result = await use(ws);
  } catch (error) {
    await ws.close().catch(onSecondaryError);
    throw error;
  }
  await ws.close();
  return result;
}
