/**
 * `npm run bench` (after `npm run build`): every row of the README's performance table, each script in turn, then the
 * table. Each script runs the real binary in a private tmux server and compares with node measured in
 * the same runs; OCTO_BENCH_RUNS sets the runs per row (at least 5). Pass script names to run a few:
 * `npm run bench -- resume echo`.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { table, type Row } from './results.js';
import { machine } from './support.js';

const SCRIPTS = ['start', 'first-screen', 'resume', 'print-turn', 'echo', 'server'];

function runScript(name: string, results: string): Promise<void> {
  const script = path.join(import.meta.dirname, `${name}.ts`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: 'inherit',
      env: { ...process.env, OCTO_BENCH_RESULTS: results },
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`bench/${name}.ts exited with ${code}`)),
    );
  });
}

const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !SCRIPTS.includes(name));
if (unknown.length > 0)
  throw new Error(`no such bench: ${unknown.join(', ')} (there are: ${SCRIPTS.join(', ')})`);
const dir = await mkdtemp(path.join(tmpdir(), 'octo-bench-'));
try {
  const results = path.join(dir, 'rows.jsonl');
  const started = machine();
  for (const name of chosen.length > 0 ? chosen : SCRIPTS) await runScript(name, results);
  const rows = (await readFile(results, 'utf8'))
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Row);
  process.stdout.write(
    [
      '',
      `# octo benchmarks`,
      `machine at the start: ${started}`,
      `machine at the end:   ${machine()}`,
      '',
      table(rows),
      '',
    ].join('\n'),
  );
  const missed = rows.filter((row) => row.pass === false);
  if (missed.length > 0) process.stdout.write(`\n${missed.length} goal(s) missed.\n`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
