/**
 * A `-p` turn on a resumed 2,000-message session in a real terminal (tmux): from the spawn of
 * `octo run --resume NAME -p hi` to the request reaching the provider, against the floor measured in
 * the same runs (`node bench/floor.mjs FILE`: node reading the file and parsing the records the
 * request is made of). Goal: ≤ 2× the floor.
 * Run: npm run build && npx tsx bench/print-turn.ts
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startFakeProvider } from '../test/support/fake-provider.js';
import { makeOctoHome, REPO } from '../test/e2e/support.js';
import { emit, pairedRatio, spread } from './results.js';
import { seedHistory } from './seed.js';
import { benchRuns, median, octoArgv, settle } from './support.js';
import { Tmux } from './terminal.js';

const RUNS = benchRuns();
const MESSAGES = 2_000;
const FLOOR_SCRIPT = path.join(REPO, 'bench', 'floor.mjs');

const fake = await startFakeProvider();
const home = await makeOctoHome(fake.url);
const tmux = await Tmux.start();
try {
  const session = await seedHistory(home, 'turn', MESSAGES);
  await settle();
  const options = { cwd: home.projectDir, env: home.env };
  const node: number[] = [];
  const floor: number[] = [];
  const toRequest: number[] = [];
  const toExit: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    node.push(await (await tmux.run([process.execPath, '-e', '0'], options)).exited());
    floor.push(await (await tmux.run([process.execPath, FLOOR_SCRIPT, session.file], options)).exited());
    let arrived = 0;
    let sent: unknown[] = [];
    fake.enqueue((request) => {
      arrived = performance.now();
      sent = request.body.messages ?? [];
      return { text: 'hi back', usage: { prompt: 40_000, completion: 3 } };
    });
    const pane = await tmux.run(octoArgv('run', '--resume', session.name, '-p', 'hi'), options);
    toExit.push(await pane.exited());
    const last = JSON.stringify(sent.at(-1) ?? null);
    // The turn's own request ends with the prompt (not a summary's, nor one with a notice after it).
    if (arrived === 0 || !last.includes('"hi"'))
      throw new Error(
        `run ${run}: the request was not the turn's (${last.slice(0, 200)}); octo wrote: ${pane.output}`,
      );
    toRequest.push(arrived - pane.started);
  }
  const ratio = pairedRatio(toRequest, floor);
  emit(
    `octo run --resume ${session.name} -p hi, ${MESSAGES.toLocaleString('en')} messages, tmux, ${RUNS} runs`,
    [
      {
        measure: `\`-p\` on a resumed ${MESSAGES.toLocaleString('en')}-message session, spawn to request received`,
        value: median(toRequest),
        unit: 'ms',
        base: { name: 'floor', value: median(floor) },
        ratio,
        goal: '≤ 2× floor',
        pass: ratio <= 2,
        note: `${spread(toRequest)}; node -e 0 ${median(node).toFixed(0)} ms; spawn to exit ${median(toExit).toFixed(0)} ms`,
      },
    ],
  );
} finally {
  await tmux.close();
  await home.cleanup();
  await fake.close();
}
