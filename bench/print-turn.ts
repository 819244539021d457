/**
 * A `-p` turn on a resumed 2,000-message session in a real terminal (tmux): from the spawn of
 * `octo run --resume NAME -p hi` to the request reaching the provider, against the floor measured in
 * the same runs (`node bench/floor.mjs FILE`: node reading the file and parsing the records the
 * request is made of). Goal: ≤ 2× the floor. Beside the wall time, the CPU time octo's main thread ran
 * until the request arrived (`/proc/PID/task/PID/schedstat`): on a loaded machine the wall time
 * also counts the time other processes held the cores, this does not.
 * Run: npm run build && npx tsx bench/print-turn.ts (OCTO_BENCH_BASE=OTHER/bin/octo.js: that build too, interleaved)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startFakeProvider } from '../test/support/fake-provider.js';
import { makeOctoHome, REPO } from '../test/e2e/support.js';
import { againstBase, emit, pairedRatio, spread, type Row } from './results.js';
import { seedHistory } from './seed.js';
import { benchRuns, builds, inTurn, median, settle } from './support.js';
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
  const all = builds();
  const toRequest = all.map((): number[] => []);
  const toExit = all.map((): number[] => []);
  const cpu = all.map((): number[] => []);
  for (let run = 0; run < RUNS; run += 1) {
    node.push(await (await tmux.run([process.execPath, '-e', '0'], options)).exited());
    floor.push(await (await tmux.run([process.execPath, FLOOR_SCRIPT, session.file], options)).exited());
    for (const build of inTurn(all, run)) {
      const b = all.indexOf(build);
      let arrived = 0;
      let ran = Number.NaN;
      let pid = 0;
      let sent: unknown[] = [];
      fake.enqueue((request) => {
        arrived = performance.now();
        if (pid !== 0) ran = mainThreadCpuMs(pid);
        sent = request.body.messages ?? [];
        return { text: 'hi back', usage: { prompt: 40_000, completion: 3 } };
      });
      const pane = await tmux.run(build.argv('run', '--resume', session.name, '-p', 'hi'), options);
      pid = pane.pid;
      toExit[b]?.push(await pane.exited());
      const last = JSON.stringify(sent.at(-1) ?? null);
      // The turn's own request ends with the prompt (not a summary's, nor one with a notice after it).
      if (arrived === 0 || !last.includes('"hi"'))
        throw new Error(
          `run ${run}${build.label}: the request was not the turn's (${last.slice(0, 200)}); octo wrote: ${pane.output}`,
        );
      toRequest[b]?.push(arrived - pane.started);
      cpu[b]?.push(ran);
    }
  }
  const rows: Row[] = all.map((build, b) => {
    const times = toRequest[b] as number[];
    const ratio = pairedRatio(times, floor);
    return {
      measure: `\`-p\` on a resumed ${MESSAGES.toLocaleString('en')}-message session, spawn to request received${build.label}`,
      value: median(times),
      unit: 'ms',
      base: { name: 'floor', value: median(floor) },
      ratio,
      goal: '≤ 2× floor',
      pass: ratio <= 2,
      note: `${spread(times)}; node -e 0 ${median(node).toFixed(0)} ms; spawn to exit ${median(toExit[b] as number[]).toFixed(0)} ms; main thread's CPU to the request ${median(cpu[b] as number[]).toFixed(0)} ms`,
    };
  });
  if (all.length > 1) {
    rows.push(againstBase('`-p` spawn to request', toRequest[0] ?? [], toRequest[1] ?? []));
    rows.push(againstBase("`-p` main thread's CPU to the request", cpu[0] ?? [], cpu[1] ?? []));
  }
  emit(
    `octo run --resume ${session.name} -p hi, ${MESSAGES.toLocaleString('en')} messages, tmux, ${RUNS} runs${all.length > 1 ? ', this build and the base interleaved' : ''}`,
    rows,
  );
} finally {
  await tmux.close();
  await home.cleanup();
  await fake.close();
}

/**
 * CPU time the process's main thread has run (the first field of its schedstat, in ns); NaN where there
 * is no /proc, or the process is gone.
 */
function mainThreadCpuMs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
}
