/**
 * `ws.sessions.search` over 1,000 sessions and 200,000 messages: median answer time of several runs
 * per query (target: under 300 ms), plus the time `octo doctor --reindex` takes to build the index.
 * Session files are written directly in the store's line format (200,000 fsync'd appends would take
 * far longer than the search itself), then indexed by the real reindex.
 * Run: node --expose-gc --import tsx bench/search-1000.ts
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { serializeLine } from '../src/core/store/line-parser.js';
import { createWorkspace } from '../src/core/workspace.js';
import { median, ms, report } from './support.js';

const SESSIONS = 1000;
const MESSAGES_PER_SESSION = 200;
const RUNS = 9;
const QUERIES = [
  'refresh token',
  'timeout',
  'src/auth/session-store.ts',
  'kubernetes deploy rollback',
  'migrat',
  'zzzznothing',
];

/** A fixed pseudo-random sequence: every run indexes the same text. */
let state = 42;
function random(): number {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return state / 2 ** 31;
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'to',
  'sa',
  'vel',
  'dor',
  'pi',
  'an',
  'ex',
  'qu',
  'ist',
  'ol',
  'ur',
  'ne',
];
const TERMS = [
  'token',
  'refresh',
  'timeout',
  'session',
  'deploy',
  'rollback',
  'kubernetes',
  'migration',
  'cache',
  'retry',
  'login',
  'parser',
];
/** 5,000 words, drawn with a Zipf-like skew as in real text. */
const VOCABULARY = [
  ...TERMS,
  ...Array.from(
    { length: 4988 },
    (_, i) => SYLLABLES[i % 16]! + SYLLABLES[(i >> 4) % 16]! + SYLLABLES[(i >> 8) % 16]! + (i >> 12),
  ),
];
const PATHS = Array.from(
  { length: 300 },
  (_, i) => `src/${VOCABULARY[i * 7]}/${VOCABULARY[i * 13]}-${VOCABULARY[i * 3]}.ts`,
);
PATHS[5] = 'src/auth/session-store.ts';

function words(count: number): string {
  return Array.from({ length: count }, () => VOCABULARY[Math.floor(VOCABULARY.length * random() ** 3)]).join(
    ' ',
  );
}

function record(seq: number, at: string, fields: Record<string, unknown>): string {
  return `${serializeLine({ _id: `r${String(seq).padStart(12, '0')}`, seq, at, ...fields })}\n`;
}

function sessionFile(id: string, index: number): string {
  const at = new Date(Date.UTC(2025, 0, 1) + index * 60_000).toISOString();
  const lines = [
    record(1, at, {
      kind: 'command',
      command: 'create',
      id,
      name: `bench-${index}`,
      projectDir: '/bench',
      projectId: 'p_bench',
      model: 'test:fake-model',
    }),
  ];
  for (let m = 0; m < MESSAGES_PER_SESSION; m += 1) {
    const seq = m + 2;
    const base = { kind: 'message', inContext: true };
    const file = PATHS[Math.floor(random() * PATHS.length)]!;
    switch (m % 4) {
      case 0:
        lines.push(
          record(seq, at, { ...base, role: 'user', content: words(15 + Math.floor(random() * 30)) }),
        );
        break;
      case 1:
        lines.push(
          record(seq, at, {
            ...base,
            role: 'assistant',
            content: words(10),
            toolCalls: [{ id: `c${m}`, name: 'read_file', arguments: JSON.stringify({ path: file }) }],
          }),
        );
        break;
      case 2:
        lines.push(
          record(seq, at, {
            ...base,
            role: 'tool',
            toolCallId: `c${m - 1}`,
            toolName: 'read_file',
            content: `// ${file}\n${words(60 + Math.floor(random() * 120))}`,
          }),
        );
        break;
      default:
        lines.push(
          record(seq, at, { ...base, role: 'assistant', content: words(40 + Math.floor(random() * 100)) }),
        );
    }
  }
  return lines.join('');
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const sessionId = (i: number): string =>
  `s_${Array.from({ length: 12 }, (_, k) => BASE32[(i >> (k * 5)) & 31]).join('')}`;

/** The heap in use after collecting garbage (run with `node --expose-gc --import tsx` for exact figures). */
function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

const root = await mkdtemp(path.join(tmpdir(), 'octo-search-bench-'));
try {
  const data = path.join(root, 'data');
  const project = path.join(root, 'project');
  await mkdir(path.join(data, 'sessions'), { recursive: true, mode: 0o700 });
  await mkdir(project);
  await writeFile(
    path.join(data, 'config.toml'),
    'model = "test:fake-model"\n[providers.test]\nbase_url = "http://127.0.0.1:9/v1"\n',
    { mode: 0o600 },
  );
  let bytes = 0;
  for (let i = 0; i < SESSIONS; i += 1) {
    const text = sessionFile(sessionId(i), i);
    bytes += text.length;
    await writeFile(path.join(data, 'sessions', `${sessionId(i)}.db`), text, { mode: 0o600 });
  }
  const open = () =>
    createWorkspace({
      env: { OCTO_HOME: data },
      home: root,
      cwd: project,
      clock: { now: () => Date.now() },
      pid: process.pid,
    });

  const builder = await open();
  const started = performance.now();
  await builder.doctor({ reindex: true });
  const reindexMs = performance.now() - started;
  await builder.close();

  const heapBefore = heapUsed();
  const ws = await open();
  const firstStarted = performance.now();
  const first = await ws.sessions.search(QUERIES[0]!);
  const firstMs = performance.now() - firstStarted;
  const lines: string[] = [];
  const all: number[] = [];
  for (const query of QUERIES) {
    const times: number[] = [];
    let hits = 0;
    for (let run = 0; run < RUNS; run += 1) {
      const t0 = performance.now();
      hits = (await ws.sessions.search(query)).length;
      times.push(performance.now() - t0);
    }
    all.push(...times);
    lines.push(`  "${query}": median ${ms(median(times))}, max ${ms(Math.max(...times))}, ${hits} hits`);
  }
  const heapHeld = heapUsed() - heapBefore;
  const rss = process.memoryUsage().rss;
  await ws.close();
  report('search, 1,000 sessions and 200,000 messages', [
    `data: ${SESSIONS} sessions, ${SESSIONS * MESSAGES_PER_SESSION} messages, ${(bytes / 1024 / 1024).toFixed(0)} MB of session files`,
    `doctor --reindex (index.db and search index): ${ms(reindexMs)}`,
    `first query in a fresh workspace: ${ms(firstMs)} (${first.length} hits)`,
    `median of all queries (${RUNS} runs each): ${ms(median(all))} (target < 300 ms)`,
    ...lines,
    `heap held by the open workspace after the queries: ${mb(heapHeld)} (process rss ${mb(rss)})`,
  ]);
} finally {
  await rm(root, { recursive: true, force: true });
}
