/** Opens the full-screen workspace; imported only when needed, so -p runs never load neo-blessed. */
import path from 'node:path';
import type { Workspace } from '../core/api.js';
import type { TuiOptions } from '../tui/index.js';
import type { CliIo } from './io.js';

/** What the command line chooses; the terminal facts are added from the io. */
export type TuiChoice = Pick<
  TuiOptions,
  'sessionName' | 'create' | 'resumeRecent' | 'picker' | 'model' | 'theme'
>;

export async function launchTui(ws: Workspace, io: CliIo, choice: TuiChoice): Promise<number> {
  const { runTui } = await import('../tui/index.js');
  return runTui(ws, {
    ...choice,
    noColor: io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '',
    logFile: path.join(ws.paths.data, 'logs', 'tui.log'),
    input: io.stdin,
    output: io.stdout,
    clock: () => io.now(),
  });
}
