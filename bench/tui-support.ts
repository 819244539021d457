/**
 * Shared parts of the workspace benchmarks: seeding stores through the real core, and a child process
 * that starts the built workspace screen (dist/) on fake terminal streams and reports when it painted.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { FakeProvider } from '../test/support/fake-provider.js';
import { REPO, type OctoHome } from '../test/e2e/support.js';
import { homeWorkspace } from './support.js';

/** A session of `messages` messages made by real turns against the fake provider. */
export async function seedLongSession(
  home: OctoHome,
  fake: FakeProvider,
  name: string,
  messages: number,
): Promise<string> {
  const ws = await homeWorkspace(home);
  const handle = await ws.sessions.open(name, { create: true });
  const answer = `${'A fairly ordinary sentence of an answer, with **some** markdown. '.repeat(3)}\n\n- a point\n- another`;
  // A fallback rather than one script per turn: the core may make calls of its own (compression).
  fake.setFallback({ text: answer, usage: { prompt: 1000, completion: 50 } });
  for (let turn = 0; turn < messages / 2; turn += 1) {
    const outcome = await handle.submit(`Question ${turn}: ${'some words of a question. '.repeat(3)}`);
    if (outcome.status !== 'finished')
      throw new Error(`setup turn ${turn} ${outcome.status}: ${outcome.error?.message}`);
  }
  fake.setFallback(null);
  // The newest question: its reply (the last message) is drawn right under it.
  const last = `Question ${messages / 2 - 1}:`;
  await ws.close();
  return last;
}

export interface PaintReport {
  /** From the child process's start (node boot and module loading included). */
  sinceProcessStart: number;
  /** From createWorkspace to the first painted screen holding `expect`. */
  sinceWorkspace: number;
  rssMb: number;
}

const CHILD = `
import { PassThrough, Writable } from 'node:stream';
const [dist, env, home, cwd, sessionName, expect] = JSON.parse(process.argv[1]);
const { createWorkspace } = await import(dist + '/core/workspace.js');
const { startTui } = await import(dist + '/tui/index.js');
const started = performance.now();
const ws = await createWorkspace({ env, home, cwd, clock: { now: () => Date.now() }, pid: process.pid });
const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
const output = Object.assign(new Writable({ write: (_c, _e, done) => done() }), { isTTY: true, columns: 120, rows: 40 });
const options = { input, output, noColor: false, logFile: home + '/tui.log', ...(sessionName ? { sessionName } : {}) };
const tui = await startTui(ws, options);
tui.screen.program.flush();
const painted = performance.now();
const text = tui.screen.lines.map((row) => row.map((cell) => cell[1]).join('')).join('\\n');
if (!text.includes(expect)) throw new Error('not on screen: ' + expect + '\\n' + text);
const rssMb = process.memoryUsage().rss / 1024 / 1024;
tui.controller.onExit(0);
await tui.exited;
await ws.close();
process.stdout.write(JSON.stringify({ sinceProcessStart: painted, sinceWorkspace: painted - started, rssMb }));
`;

/** Starts the built workspace screen in a fresh process and reports when the screen held `expect`. */
export function paintInChild(home: OctoHome, expect: string, sessionName?: string): Promise<PaintReport> {
  const args = JSON.stringify([
    path.join(REPO, 'dist'),
    home.env,
    home.home,
    home.projectDir,
    sessionName ?? '',
    expect,
  ]);
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, args], {
    cwd: home.projectDir,
    env: home.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`paint child failed (${code}): ${stderr}`));
      else resolve(JSON.parse(stdout) as PaintReport);
    });
  });
}
