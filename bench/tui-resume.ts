/**
 * Resuming a 2,000-message session in the workspace screen until its last message is on screen, median
 * of 10 fresh processes (target under 300 ms), and the RSS then (target under 150 MB).
 * Run: npm run build && npx tsx bench/tui-resume.ts
 */
import { startFakeProvider } from '../test/support/fake-provider.js';
import { makeOctoHome } from '../test/e2e/support.js';
import { median, ms, report, settle, timeCommand } from './support.js';
import { paintInChild, seedLongSession } from './tui-support.js';

const MESSAGES = 2000;
const RUNS = 10;

const fake = await startFakeProvider();
const home = await makeOctoHome(fake.url);
try {
  const last = await seedLongSession(home, fake, 'big', MESSAGES);
  await settle();
  const runs = [];
  const node: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    // How fast the machine is right now: the figures move with it (a shared 2-core machine).
    node.push((await timeCommand(process.execPath, ['-e', ''], home.projectDir, home.env)).ms);
    runs.push(await paintInChild(home, last, 'big'));
  }
  report(`workspace resume of a ${MESSAGES}-message session, 120x40`, [
    `process start to last message on screen, median of ${RUNS}: ${ms(median(runs.map((r) => r.sinceProcessStart)))} (target < 300 ms); each: ${runs.map((r) => r.sinceProcessStart.toFixed(0)).join(', ')}`,
    `createWorkspace to last message on screen, median: ${ms(median(runs.map((r) => r.sinceWorkspace)))}`,
    `RSS after the resume, median: ${median(runs.map((r) => r.rssMb)).toFixed(1)} MB (target < 150 MB)`,
    `node -e '' alone (spawn to exit), median: ${ms(median(node))}`,
  ]);
} finally {
  await home.cleanup();
  await fake.close();
}
