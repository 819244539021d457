/** Opens the core lazily: --help, --version and usage errors never load it (start-up time). */
import type { Workspace } from '../core/api.js';
import type { CliIo } from './io.js';

/**
 * Refuses bad session names (FAULTS.md row 8) with the core's own rule, before the workspace is
 * created, so a refused name never touches the data folder.
 */
export async function assertNames(names: ReadonlyArray<string | undefined>): Promise<void> {
  const { assertSessionName } = await import('../core/store/index.js');
  for (const name of names) if (name !== undefined) assertSessionName(name);
}

export async function openWorkspace(
  io: CliIo,
  onListenerError: (error: unknown) => void,
): Promise<Workspace> {
  const { createWorkspace } = await import('../core/workspace.js');
  return createWorkspace(
    { env: io.env, home: io.home, cwd: io.cwd, clock: { now: () => io.now() }, pid: io.pid },
    { onListenerError },
  );
}

/**
 * Runs `use` on a fresh workspace and always closes it (locks released, files compacted). When both
 * fail, the first error is the one the user needs; the closing error goes to `onSecondaryError`.
 */
export async function withWorkspace<T>(
  io: CliIo,
  onSecondaryError: (error: unknown) => void,
  use: (ws: Workspace) => Promise<T>,
): Promise<T> {
  const ws = await openWorkspace(io, onSecondaryError);
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
