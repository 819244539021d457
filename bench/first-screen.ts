/**
 * The first usable screen with 1,000 saved sessions: `octo` started in a real terminal (tmux, 120x40)
 * in a project with 1,000 sessions, until the screen shows the session list, the newest session open
 * and the input line ready. Compared with `node -e 0` in the same runs; the run had Codex at
 * 0.54 s (not installed here). Run: npm run build && npx tsx bench/first-screen.ts
 */
import { makeOctoHome } from '../test/e2e/support.js';
import { emit, pairedRatio, spread } from './results.js';
import { seedSessions } from './seed.js';
import { benchRuns, median, octoArgv, settle } from './support.js';
import { Tmux } from './terminal.js';

const SESSIONS = 1000;
const RUNS = benchRuns();
/**
 * Codex took 0.54 s in the run, where node -e 0 took 67 ms: 8.1 times node. With no Codex
 * here, that ratio stands in for it.
 */
const CODEX_RATIO = 540 / 67;
/** Nothing listens there: painting the workspace makes no request. */
const UNUSED_PROVIDER = 'http://127.0.0.1:9/v1';
/** The newest session (opened, and first in the list), the input line's prompt, the status line's keys. */
const USABLE = ['bench-0999', '›', 'F1 help'];

const home = await makeOctoHome(UNUSED_PROVIDER);
const tmux = await Tmux.start();
try {
  await seedSessions(home, SESSIONS);
  await settle();
  const options = { cwd: home.projectDir, env: home.env };
  const node: number[] = [];
  const shown: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    node.push(await (await tmux.run([process.execPath, '-e', '0'], options)).exited());
    const pane = await tmux.run(octoArgv(), options);
    shown.push(await pane.screen((text) => USABLE.every((part) => text.includes(part)), 'the first screen'));
    await pane.keys('C-c');
    await pane.keys('C-c');
    await pane.exited();
  }
  const ratio = pairedRatio(shown, node);
  emit(`first usable screen with ${SESSIONS} saved sessions, tmux 120x40, ${RUNS} runs`, [
    {
      measure: `first usable screen, ${SESSIONS.toLocaleString('en')} saved sessions`,
      value: median(shown),
      unit: 'ms',
      base: { name: 'node -e 0', value: median(node) },
      ratio,
      goal: `< ${CODEX_RATIO.toFixed(1)}× node -e 0 (Codex's ratio in the issue's run)`,
      pass: ratio < CODEX_RATIO,
      note: spread(shown),
    },
  ]);
} finally {
  await tmux.close();
  await home.cleanup();
}
