/**
 * The workspace screen with 1,000 saved sessions: from process start to the first painted screen,
 * median of 10 fresh processes. Target: under 200 ms. Run: npm run build && npx tsx bench/tui-startup.ts
 */
import { makeOctoHome } from '../test/e2e/support.js';
import { median, ms, report, settle, timeCommand } from './support.js';
import { seedSessions } from './seed.js';
import { paintInChild } from './tui-support.js';

const SESSIONS = 1000;
const RUNS = 10;
/** Nothing listens there: painting the workspace makes no request. */
const UNUSED_PROVIDER = 'http://127.0.0.1:9/v1';

const home = await makeOctoHome(UNUSED_PROVIDER);
try {
  await seedSessions(home, SESSIONS);
  await settle();
  const runs = [];
  const node: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    // How fast the machine is right now: the figures move with it (a shared 2-core machine).
    node.push((await timeCommand(process.execPath, ['-e', ''], home.projectDir, home.env)).ms);
    // The most recent session is opened; its name is on screen once painted.
    runs.push(await paintInChild(home, 'bench-0999'));
  }
  report(`workspace start with ${SESSIONS} saved sessions, 120x40`, [
    `process start to painted, median of ${RUNS}: ${ms(median(runs.map((r) => r.sinceProcessStart)))} (target < 200 ms); each: ${runs.map((r) => r.sinceProcessStart.toFixed(0)).join(', ')}`,
    `createWorkspace to painted, median: ${ms(median(runs.map((r) => r.sinceWorkspace)))}`,
    `node -e '' alone (spawn to exit), median: ${ms(median(node))}`,
  ]);
} finally {
  await home.cleanup();
}
