/**
 * `octo sessions list` with 1,000 sessions in the store, end to end (spawn to exit), median of 10.
 * Target on the 2-core machine: under 150 ms. Run: npm run build && npx tsx bench/sessions-list.ts
 */
import { makeOctoHome } from '../test/e2e/support.js';
import { homeWorkspace, median, ms, report, settle, timeCommand, timeOcto } from './support.js';

const SESSIONS = 1000;
const RUNS = 10;
/** Nothing listens there: no request is made by `sessions list`. */
const UNUSED_PROVIDER = 'http://127.0.0.1:9/v1';

const home = await makeOctoHome(UNUSED_PROVIDER);
try {
  const ws = await homeWorkspace(home);
  for (let i = 0; i < SESSIONS; i += 1) {
    const handle = await ws.sessions.create(`bench-${String(i).padStart(4, '0')}`);
    await handle.close();
  }
  await ws.close();
  await settle();

  const check = await timeOcto(['sessions', 'list', '--json'], home.projectDir, home.env);
  const listed = (JSON.parse(check.stdout) as unknown[]).length;
  if (listed !== SESSIONS)
    throw new Error(`expected ${SESSIONS} sessions, listed ${listed}: ${check.stderr}`);

  const node: number[] = [];
  const list: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    node.push((await timeCommand(process.execPath, ['-e', ''], home.projectDir, home.env)).ms);
    const timed = await timeOcto(['sessions', 'list'], home.projectDir, home.env);
    if (timed.code !== 0) throw new Error(`octo sessions list failed: ${timed.stderr}`);
    list.push(timed.ms);
  }
  report('octo sessions list, 1,000 sessions', [
    `median of ${RUNS}: ${ms(median(list))} (target < 150 ms); min ${ms(Math.min(...list))}, max ${ms(Math.max(...list))}`,
    `node -e '' alone: ${ms(median(node))}`,
  ]);
} finally {
  await home.cleanup();
}
