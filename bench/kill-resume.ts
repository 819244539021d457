/**
 * docs/faults.md row 12 at scale: `kill -9` of `octo run --name k -p ...` at 50 random moments of a streaming
 * turn. After each kill: `sessions show k --json` must hold every acknowledged message, and a resume must
 * work. Acknowledged: a user message the provider received (it is written before it is sent), and every
 * message of a turn whose process exited 0.
 * Run: npm run build && npx tsx bench/kill-resume.ts
 */
import { performance } from 'node:perf_hooks';
import type { SessionRecord } from '../src/core/store/records.js';
import { startFakeProvider } from '../test/support/fake-provider.js';
import { makeOctoHome, OctoProcess } from '../test/e2e/support.js';
import { report } from './support.js';

const KILLS = 50;
const CHUNKS = 12;
const CHUNK_DELAY_MS = 40;

const fake = await startFakeProvider();
const home = await makeOctoHome(fake.url);
const received = new Set<string>();
const acknowledged = new Set<string>();

/**
 * Every request gets the same kind of answer (a run killed before its request would leave a queued
 * reply behind for the next run): a slow stream answering the last user message, which is noted as
 * received, since invariant 1 (docs/architecture.md) puts it on disk before it is sent.
 */
fake.setFallback((request) => {
  const last = request.body.messages?.at(-1) as { content?: unknown } | undefined;
  const asked = typeof last?.content === 'string' ? last.content : '';
  received.add(asked);
  const words = Array.from({ length: CHUNKS }, (_, i) => `${asked}-part${i}${i < CHUNKS - 1 ? ' ' : ''}`);
  return { text: words, chunkDelayMs: CHUNK_DELAY_MS };
});

/** Runs one `-p` turn; a clean exit acknowledges the prompt and the reply printed. Returns the failure, if any. */
async function turn(args: readonly string[], prompt: string, killAfterMs?: number): Promise<string | null> {
  const child = new OctoProcess([...args, '-p', prompt], { cwd: home.projectDir, env: home.env });
  const timer =
    killAfterMs === undefined ? undefined : setTimeout(() => child.child.kill('SIGKILL'), killAfterMs);
  const result = await child.exited;
  clearTimeout(timer);
  if (received.has(prompt)) acknowledged.add(prompt);
  if (result.code !== 0) return `exit ${result.code ?? result.signal}: ${result.stderr.trim()}`;
  acknowledged.add(prompt);
  acknowledged.add(result.stdout.replace(/\n$/, ''));
  return null;
}

async function storedContents(): Promise<Set<string> | null> {
  const shown = new OctoProcess(['sessions', 'show', 'k', '--json'], { cwd: home.projectDir, env: home.env });
  const result = await shown.exited;
  if (result.code !== 0) return null;
  const { records } = JSON.parse(result.stdout) as { records: SessionRecord[] };
  return new Set(records.flatMap((r) => (r.kind === 'message' && !r.interrupted ? [r.content] : [])));
}

let reopened = 0;
let lost = 0;
let killedMidTurn = 0;
const failures: string[] = [];
try {
  // One uninterrupted turn measures how long a whole turn takes, so kills spread over all of it.
  const started = performance.now();
  const warmUp = await turn(['run', '--name', 'k'], 'warm-up');
  if (warmUp !== null) throw new Error(`the warm-up turn failed: ${warmUp}`);
  const turnMs = performance.now() - started;

  for (let kill = 0; kill < KILLS; kill += 1) {
    const delay = Math.random() * turnMs;
    if ((await turn(['run', '--name', 'k'], `message-${kill}`, delay)) !== null) killedMidTurn += 1;
    const resumeFailure = await turn(['run', '--resume', 'k'], `resume-${kill}`);
    if (resumeFailure === null) reopened += 1;
    else failures.push(`kill ${kill} at ${delay.toFixed(0)} ms: the resume failed: ${resumeFailure}`);
    const stored = await storedContents();
    const missing = stored === null ? [...acknowledged] : [...acknowledged].filter((m) => !stored.has(m));
    lost += missing.length;
    if (missing.length > 0)
      failures.push(`kill ${kill} at ${delay.toFixed(0)} ms: lost ${missing.join(', ')}`);
    for (const message of missing) acknowledged.delete(message);
  }
  report(`kill -9 during a streaming turn, ${KILLS} times`, [
    `a whole turn took ${turnMs.toFixed(0)} ms; kills spread uniformly over it; ${killedMidTurn} runs were killed before finishing`,
    `${KILLS} kills: ${reopened} reopened, ${lost} acknowledged messages lost`,
    ...failures,
  ]);
} finally {
  await home.cleanup();
  await fake.close();
}
