/**
 * How soon a change to a file the model read is marked stale (the project watcher's promise: within a
 * second): a session reads FILES files of a git checkout, then each is changed in turn and timed from
 * the write to the 'session.filesStale' event naming it. Target: every change < 1 s.
 * Run: npx tsx bench/stale-files.ts
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeLab, makeRepo, nextEvent } from '../test/core/project/support.js';
import { startFakeProvider } from '../test/support/fake-provider.js';
import { median, ms, report } from './support.js';

const FILES = 20;
const TARGET_MS = 1_000;
/** The guard of each wait: a missed change fails the bench instead of hanging it. */
const GIVE_UP_MS = 30_000;

const fake = await startFakeProvider();
const lab = await makeLab(fake.url);
try {
  const dir = await makeRepo(path.join(lab.root, 'repo'), lab.root);
  const files = Array.from({ length: FILES }, (_, i) => `src/f${i}.ts`);
  await mkdir(path.join(dir, 'src'));
  for (const file of files) await writeFile(path.join(dir, file), `export const v = 1;\n`);
  const ws = await lab.workspace(dir);
  const watching = nextEvent(ws, 'project.watch', (e) => e.state === 'watching', GIVE_UP_MS);
  const handle = await ws.sessions.create('stale');
  await watching;
  fake.enqueue(
    {
      toolCalls: files.map((file, i) => ({
        id: `call_${i}`,
        name: 'read_file',
        arguments: JSON.stringify({ path: file }),
      })),
    },
    { text: 'Read them all.' },
  );
  await handle.submit('Read every file.');
  const times: number[] = [];
  for (const file of files) {
    const stale = nextEvent(ws, 'session.filesStale', (e) => e.paths.includes(file), GIVE_UP_MS);
    const started = performance.now();
    await writeFile(path.join(dir, file), 'export const v = 2;\n');
    await stale;
    times.push(performance.now() - started);
  }
  const worst = Math.max(...times);
  report('a file the model read, changed on disk, marked stale', [
    `changes: ${FILES}; median ${ms(median(times))}; worst ${ms(worst)} (target < ${TARGET_MS} ms)`,
  ]);
  if (worst >= TARGET_MS) process.exitCode = 1;
} finally {
  await lab.cleanup();
  await fake.close();
}
