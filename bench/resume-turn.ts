/**
 * A `-p` turn on a resumed 2,000-message session: time from spawning `octo run --resume big -p hi` to
 * the provider receiving the request, median of 10. Target: under 300 ms.
 * Run: npm run build && npx tsx bench/resume-turn.ts
 */
import { performance } from 'node:perf_hooks';
import { startFakeProvider } from '../test/support/fake-provider.js';
import { makeOctoHome, OctoProcess } from '../test/e2e/support.js';
import { homeWorkspace, median, ms, report, settle } from './support.js';

const MESSAGES = 2000;
const RUNS = 10;

const fake = await startFakeProvider();
const home = await makeOctoHome(fake.url);
try {
  const ws = await homeWorkspace(home);
  const handle = await ws.sessions.open('big', { create: true });
  for (let turn = 0; turn < MESSAGES / 2; turn += 1) {
    fake.enqueue({
      text: `Reply ${turn}: ${'a fairly ordinary sentence of an answer. '.repeat(4)}`,
      usage: { prompt: 1000, completion: 50 },
    });
    const outcome = await handle.submit(`Question ${turn}: ${'some words of a question. '.repeat(3)}`);
    if (outcome.status !== 'finished')
      throw new Error(`setup turn ${turn} ${outcome.status}: ${outcome.error?.message}`);
  }
  await ws.close();
  await settle();

  const toRequest: number[] = [];
  const toExit: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    let arrived = 0;
    let sent = 0;
    fake.enqueue((request) => {
      arrived = performance.now();
      sent = request.body.messages?.length ?? 0;
      return { text: 'hi back' };
    });
    const started = performance.now();
    const child = new OctoProcess(['run', '--resume', 'big', '-p', 'hi'], {
      cwd: home.projectDir,
      env: home.env,
    });
    const result = await child.exited;
    if (result.code !== 0 || arrived === 0) throw new Error(`run ${run} failed: ${result.stderr}`);
    if (sent < MESSAGES) throw new Error(`the request carried ${sent} messages, expected over ${MESSAGES}`);
    toRequest.push(arrived - started);
    toExit.push(performance.now() - started);
  }
  report(`octo run --resume big -p hi, ${MESSAGES} messages`, [
    `spawn to request received, median of ${RUNS}: ${ms(median(toRequest))} (target < 300 ms); min ${ms(Math.min(...toRequest))}, max ${ms(Math.max(...toRequest))}`,
    `spawn to exit (reply written, lock released), median: ${ms(median(toExit))}`,
  ]);
} finally {
  await home.cleanup();
  await fake.close();
}
