/**
 * `octo --version` and `octo --help` in a real terminal (tmux), spawn to exit, against `node -e 0`
 * started the same way in the same runs. Goal: within 1.2× of node -e 0.
 * Run: npm run build && npx tsx bench/start.ts (OCTO_BENCH_BASE=OTHER/bin/octo.js: that build too, interleaved)
 */
import { makeOctoHome } from '../test/e2e/support.js';
import { emit, pairedRatio, spread, type Row } from './results.js';
import { benchRuns, builds, inTurn, median } from './support.js';
import { Tmux } from './terminal.js';

const RUNS = benchRuns();
/** Nothing listens there: neither command makes a request. */
const UNUSED_PROVIDER = 'http://127.0.0.1:9/v1';
const GOAL = 1.2;

const home = await makeOctoHome(UNUSED_PROVIDER);
const tmux = await Tmux.start();
try {
  const options = { cwd: home.projectDir, env: home.env };
  const exitTime = async (argv: string[], expect: string): Promise<number> => {
    const pane = await tmux.run(argv, options);
    const ms = await pane.exited();
    if (!pane.output.includes(expect)) throw new Error(`${argv.join(' ')} wrote: ${pane.output}`);
    return ms;
  };
  const all = builds();
  const node: number[] = [];
  const version = all.map(() => [] as number[]);
  const help = all.map(() => [] as number[]);
  for (let run = 0; run < RUNS; run += 1) {
    node.push(await exitTime([process.execPath, '-e', '0'], ''));
    for (const build of inTurn(all, run)) {
      const at = all.indexOf(build);
      version[at]!.push(await exitTime(build.argv('--version'), '0.'));
      help[at]!.push(await exitTime(build.argv('--help'), 'Usage'));
    }
  }
  const row = (measure: string, values: number[]): Row => {
    const ratio = pairedRatio(values, node);
    return {
      measure,
      value: median(values),
      unit: 'ms',
      base: { name: 'node -e 0', value: median(node) },
      ratio,
      goal: `≤ ${GOAL}× node -e 0`,
      pass: ratio <= GOAL,
      note: spread(values),
    };
  };
  emit(`octo --version and --help in tmux, spawn to exit, ${RUNS} runs`, [
    ...all.flatMap((build, at) => [
      row(`\`octo --version\`${build.label}`, version[at]!),
      row(`\`octo --help\`${build.label}`, help[at]!),
    ]),
  ]);
} finally {
  await tmux.close();
  await home.cleanup();
}
