/**
 * Keystroke echo while a reply streams at 500 chunks a second: time from a key written to the terminal
 * input to that character written to the terminal output, p99 over ~200 keys, median of 3 runs.
 * Target: p99 under 20 ms. The fake provider runs in the same process (a pessimistic load).
 * Run: npx tsx bench/tui-echo.ts
 */
import { PassThrough, Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { startTui } from '../src/tui/index.js';
import { startFakeProvider } from '../test/support/fake-provider.js';
import { makeOctoHome } from '../test/e2e/support.js';
import { homeWorkspace, median, ms, report } from './support.js';

const CHUNKS = 2500;
/** 2 ms between chunks: 500 chunks a second. */
const CHUNK_DELAY_MS = 2;
const KEY_EVERY_MS = 25;
const RUNS = 3;
/** Letters the streamed reply never contains, so each echo is recognisable in the output. */
const LETTERS = 'αβγδεζηθικλμνξπρστυφχψω';

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function once(): Promise<number[]> {
  const fake = await startFakeProvider();
  const home = await makeOctoHome(fake.url);
  const ws = await homeWorkspace(home);
  let waiting: { letter: string; at: number } | null = null;
  const latencies: number[] = [];
  const output = Object.assign(
    new Writable({
      write(chunk: Buffer, _enc, done) {
        if (waiting !== null && chunk.toString().includes(waiting.letter)) {
          latencies.push(performance.now() - waiting.at);
          waiting = null;
        }
        done();
      },
    }),
    { isTTY: true, columns: 120, rows: 40 },
  );
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  const tui = await startTui(ws, { input, output, noColor: false, logFile: `${home.root}/tui.log` });
  fake.enqueue({
    text: Array.from({ length: CHUNKS }, (_, i) => `word${i % 10} `),
    chunkDelayMs: CHUNK_DELAY_MS,
  });
  const finished = new Promise<void>((resolve) => ws.on('turn.finished', () => resolve()));
  let streaming = false;
  ws.on('turn.delta', () => (streaming = true));
  input.write('stream please\r');
  let n = 0;
  const typer = setInterval(() => {
    if (!streaming || waiting !== null) return;
    const letter = LETTERS[n++ % LETTERS.length] ?? 'α';
    waiting = { letter, at: performance.now() };
    input.write(letter);
  }, KEY_EVERY_MS);
  await finished;
  clearInterval(typer);
  tui.controller.onExit(0);
  await tui.exited;
  await ws.close();
  await home.cleanup();
  await fake.close();
  return latencies;
}

const runs: number[][] = [];
for (let run = 0; run < RUNS; run += 1) runs.push(await once());
const p99s = runs.map((r) => percentile(r, 99));
report(`keystroke echo while a reply streams at ${1000 / CHUNK_DELAY_MS} chunks/s, 120x40`, [
  `keys per run: ${runs.map((r) => r.length).join(', ')}`,
  `p99 echo, median of ${RUNS} runs: ${ms(median(p99s))} (target < 20 ms); p50 ${ms(median(runs.map((r) => percentile(r, 50))))}; worst ${ms(Math.max(...runs.flat()))}`,
]);
