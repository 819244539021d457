/**
 * Resuming long sessions in a real terminal (tmux, 120x40): `octo run --resume NAME` until the last
 * message is on screen, for 2,000 and 20,000 messages, and the resident memory 5 s later. Compared with
 * the floor measured in the same runs: `node bench/floor.mjs FILE`, node itself reading the session file
 * and parsing the records its context is made of (see there). Goals: each resume ≤ 2× its floor, 20,000 within
 * 1.2× of 2,000; RSS < 100 MB (2,000) and < 120 MB (20,000).
 * Run: npm run build && npx tsx bench/resume.ts (OCTO_BENCH_BASE=OTHER/bin/octo.js: that build too, interleaved)
 */
import path from 'node:path';
import { makeOctoHome, REPO } from '../test/e2e/support.js';
import { againstBase, emit, pairedRatio, spread, type Row } from './results.js';
import { seedHistory, type SeededHistory } from './seed.js';
import { benchRuns, builds, inTurn, median, settle } from './support.js';
import { Tmux, type RunOptions } from './terminal.js';

const RUNS = benchRuns();
const SIZES = [2_000, 20_000] as const;
const RSS_AFTER_MS = 5_000;
const RSS_GOAL_MB: Record<(typeof SIZES)[number], number> = { 2_000: 100, 20_000: 120 };
const FLOOR_SCRIPT = path.join(REPO, 'bench', 'floor.mjs');
/** Nothing listens there: resuming makes no request. */
const UNUSED_PROVIDER = 'http://127.0.0.1:9/v1';

interface Measured {
  resume: number[];
  rss: number[];
}

const home = await makeOctoHome(UNUSED_PROVIDER);
const tmux = await Tmux.start();
try {
  const sessions: SeededHistory[] = [];
  for (const size of SIZES) sessions.push(await seedHistory(home, `history-${size}`, size));
  await settle();
  const options: RunOptions = { cwd: home.projectDir, env: home.env };
  const node: number[] = [];
  const floors = sessions.map((): number[] => []);
  const all = builds();
  // measured[build][session]
  const measured = all.map(() => sessions.map((): Measured => ({ resume: [], rss: [] })));
  for (let run = 0; run < RUNS; run += 1) {
    node.push(await (await tmux.run([process.execPath, '-e', '0'], options)).exited());
    for (const [i, session] of sessions.entries()) {
      floors[i]?.push(
        await (await tmux.run([process.execPath, FLOOR_SCRIPT, session.file], options)).exited(),
      );
      for (const build of inTurn(all, run)) {
        const m = measured[all.indexOf(build)]?.[i] as Measured;
        const pane = await tmux.run(build.argv('run', '--resume', session.name), options);
        m.resume.push(await pane.screen((text) => text.includes(session.lastLine), 'the last message'));
        await new Promise((resolve) => setTimeout(resolve, RSS_AFTER_MS));
        m.rss.push(await pane.rssMb());
        await pane.keys('C-c');
        await pane.keys('C-c');
        await pane.exited();
      }
    }
  }
  const rows: Row[] = [];
  for (const [i, session] of sessions.entries()) {
    const floor = floors[i] as number[];
    const size = session.messages.toLocaleString('en');
    rows.push({
      measure: `floor: node reading the file and parsing the ${session.inContext} records of its context (after ${session.compactions} compactions) (${size} messages, ${(session.bytes / 1e6).toFixed(1)} MB)`,
      value: median(floor),
      unit: 'ms',
      base: { name: 'node -e 0', value: median(node) },
      ratio: pairedRatio(floor, node),
    });
    for (const [b, build] of all.entries()) {
      const m = measured[b]?.[i] as Measured;
      const ratio = pairedRatio(m.resume, floor);
      rows.push({
        measure: `resume ${size} messages, last message on screen${build.label}`,
        value: median(m.resume),
        unit: 'ms',
        base: { name: 'floor', value: median(floor) },
        ratio,
        goal: '≤ 2× floor',
        pass: ratio <= 2,
        note: spread(m.resume),
      });
    }
  }
  for (const [b, build] of all.entries()) {
    const [small, large] = measured[b] as [Measured, Measured];
    const growth = pairedRatio(large.resume, small.resume);
    rows.push({
      measure: `resume 20,000 messages against 2,000${build.label}`,
      value: median(large.resume),
      unit: 'ms',
      base: { name: 'resume 2,000', value: median(small.resume) },
      ratio: growth,
      goal: '≤ 1.2×',
      pass: growth <= 1.2,
    });
    for (const [i, size] of SIZES.entries()) {
      const m = measured[b]?.[i] as Measured;
      const rss = median(m.rss);
      rows.push({
        measure: `RSS ${RSS_AFTER_MS / 1000} s after resuming ${size.toLocaleString('en')} messages${build.label}`,
        value: rss,
        unit: 'MB',
        goal: `< ${RSS_GOAL_MB[size]} MB`,
        pass: rss < RSS_GOAL_MB[size],
        note: spread(m.rss, 'MB'),
      });
    }
  }
  if (all.length > 1)
    for (const [i, session] of sessions.entries())
      rows.push(
        againstBase(
          `resume ${session.messages.toLocaleString('en')} messages`,
          measured[0]?.[i]?.resume ?? [],
          measured[1]?.[i]?.resume ?? [],
        ),
      );
  emit(
    `resume in tmux 120x40, ${RUNS} runs${all.length > 1 ? ', this build and the base interleaved' : ''}`,
    rows,
  );
} finally {
  await tmux.close();
  await home.cleanup();
}
