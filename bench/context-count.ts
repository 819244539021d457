/**
 * Token counting of a 2,000-message session:
 *   - from cold: a fresh tokenizer thread (start, tiktoken load, o200k_base) counting every message,
 *     median of 5 (target under 1 s);
 *   - one new message once warm, median of 50 (target under 5 ms);
 *   - the longest stall of the main thread's event loop while counting from cold (target under 16 ms),
 *     measured with a 1 ms interval probe and perf_hooks.monitorEventLoopDelay;
 *   - the main thread's own work: measuring the assembled context of the session (hashing once, then cached).
 * Run: npx tsx bench/context-count.ts
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { assemble } from '../src/core/context/assemble.js';
import { ContextMeter } from '../src/core/context/measure.js';
import type { MessageRecord } from '../src/core/store/records.js';
import { TokenCounter, WorkerTokenizer, countItem } from '../src/core/tokens/index.js';
import { median, ms, report } from './support.js';

const MESSAGES = 2000;
const COLD_RUNS = 5;
const NEW_MESSAGE_RUNS = 50;
const PROMPT = 'You are octo, an AI assistant for software development working in a terminal workspace.';

const SENTENCE =
  'The handler reads the session file, checks the lock, and returns the records in seq order. ';
const CODE =
  'export function load(id: string): Promise<Record[]> {\n  return store.read(`sessions/${id}.db`);\n}\n';

/** A realistic mix: short questions, longer answers, and tool results of source code. */
function session(): MessageRecord[] {
  return Array.from({ length: MESSAGES }, (_, i): MessageRecord => {
    const base = { kind: 'message', seq: i + 1, at: '2026-01-01T00:00:00.000Z', inContext: true } as const;
    if (i % 4 === 0) return { ...base, role: 'user', content: `Question ${i}: ${SENTENCE.repeat(2)}` };
    if (i % 4 === 1)
      return {
        ...base,
        role: 'assistant',
        content: '',
        toolCalls: [{ id: `c${i}`, name: 'read_file', arguments: `{"path":"src/f${i}.ts"}` }],
      };
    if (i % 4 === 2)
      return {
        ...base,
        role: 'tool',
        content: CODE.repeat(6 + (i % 7)),
        toolCallId: `c${i - 1}`,
        toolName: 'read_file',
      };
    return { ...base, role: 'assistant', content: `Answer ${i}: ${SENTENCE.repeat(5 + (i % 5))}` };
  });
}

/** Longest gap between 1 ms ticks, and the histogram's max, while `work` runs. */
async function stalls(work: () => Promise<void>): Promise<{ probe: number; histogram: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  let last = performance.now();
  let longest = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  try {
    await work();
  } finally {
    clearInterval(probe);
    histogram.disable();
  }
  return { probe: longest, histogram: histogram.max / 1e6 };
}

const records = session();
const assembly = assemble(records, PROMPT, 25);
const chars = records.reduce((n, r) => n + r.content.length, 0);

const cold: number[] = [];
const probeStalls: number[] = [];
const histogramStalls: number[] = [];
const idleStalls: number[] = [];
let tokens = 0;
for (let run = 0; run < COLD_RUNS; run += 1) {
  const counter = new TokenCounter(new WorkerTokenizer());
  const meter = new ContextMeter(counter);
  let elapsed = 0;
  // The path of the workspace's context pane: estimates at once, keys hashed in slices, counts in the thread.
  const stall = await stalls(async () => {
    const started = performance.now();
    meter.measure(assembly, [], 'o200k_base', 'peek');
    const items = await meter.itemsInSlices(assembly, [], 'o200k_base');
    await new Promise<void>((resolve) => {
      const off = counter.onCounted(() => {
        if (!meter.measure(assembly, [], 'o200k_base', 'peek').exact) return;
        off();
        resolve();
      });
      counter.schedule('o200k_base', items);
    });
    elapsed = performance.now() - started;
  });
  tokens = meter.measure(assembly, [], 'o200k_base', 'bound').total;
  // The same probe, as long, with nothing to do: on a shared machine the scheduler alone stalls the loop.
  idleStalls.push((await stalls(() => new Promise<void>((resolve) => setTimeout(resolve, elapsed)))).probe);
  cold.push(elapsed);
  probeStalls.push(stall.probe);
  histogramStalls.push(stall.histogram);

  if (run === COLD_RUNS - 1) {
    const single: number[] = [];
    for (let n = 0; n < NEW_MESSAGE_RUNS; n += 1) {
      const text = `Answer ${n}: ${SENTENCE.repeat(8)}`;
      const started = performance.now();
      await counter.ensure('o200k_base', [countItem('o200k_base', text)]);
      single.push(performance.now() - started);
    }
    const measures: number[] = [];
    for (let n = 0; n < 10; n += 1) {
      const fresh = new ContextMeter(counter);
      const started = performance.now();
      fresh.measure(assembly, [], 'o200k_base', 'peek');
      measures.push(performance.now() - started);
    }
    const started = performance.now();
    meter.measure(assembly, [], 'o200k_base', 'peek');
    const warmMeasure = performance.now() - started;
    await counter.close();
    report(`Token counting, ${MESSAGES} messages (${chars} characters, ${tokens} tokens, o200k_base)`, [
      `cold count (thread start + tiktoken load + all messages), median of ${COLD_RUNS}: ${ms(median(cold))} (target < 1 s); min ${ms(Math.min(...cold))}, max ${ms(Math.max(...cold))}`,
      `one new message once warm, median of ${NEW_MESSAGE_RUNS}: ${ms(median(single))} (target < 5 ms); max ${ms(Math.max(...single))}`,
      `longest event-loop stall while counting from cold, median of ${COLD_RUNS}: probe ${ms(median(probeStalls))}, histogram ${ms(median(histogramStalls))} (target < 16 ms); worst ${ms(Math.max(...probeStalls, ...histogramStalls))}`,
      `the same probe while idle for as long (machine noise), median: ${ms(median(idleStalls))}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
      `measuring the context on the main thread: first time (hashing every message) ${ms(median(measures))}, then ${ms(warmMeasure)}`,
    ]);
  } else {
    await counter.close();
  }
}
