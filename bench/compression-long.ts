/**
 * Compression with a summariser that does not answer in JSON: the request sizes before and after
 * each compression of a long session, whether every stated decision and constraint is still sent
 * after three compressions and a resume, and the largest request of a 20,000-message session.
 * Sizes are counted here with tiktoken (o200k_base) on what the scripted provider received.
 * Run: npx tsx bench/compression-long.ts
 */
import type { SessionHandle } from '../src/core/api.js';
import type { CompactionRecord } from '../src/core/store/records.js';
import {
  compressionConfig,
  isCompression,
  wireMessages,
  wireTokens,
  words,
} from '../test/core/context/support.js';
import { startFakeProvider, type FakeRequest } from '../test/support/fake-provider.js';
import { STATED_LINE, summariserAnswer, type SummariserMode } from '../test/support/fake-summariser.js';
import { conversation, seedRecords } from '../test/support/seed-session.js';
import { makeTestWorkspace } from '../test/support/workspace.js';
import { report } from './support.js';

const TURNS = 300;
/** The window of test:fake-model in the test config. */
const WINDOW = 100_000;
const LEVELS = [
  { threshold: 8000, ratio: 2 },
  { threshold: 16000, ratio: 3 },
  { threshold: 28000, ratio: 4 },
];
const COMPRESSION = compressionConfig(LEVELS);

function userLine(turn: number): string {
  if (turn % 23 === 5)
    return `Decision: keep the sessions of project ${turn} in plain files, never in a database`;
  if (turn % 23 === 16) return `Constraint: no reply may name more than ${turn} files`;
  return `Turn ${turn}: ${words(20, turn)}`;
}

/** Mostly short answers; two long ones jump past the second and third levels at once. */
function replyText(turn: number): string {
  if (turn === 110) return words(13000, turn);
  if (turn === 190) return words(25000, turn);
  return `Answer ${turn}: ${words(60, turn)}`;
}

const fake = await startFakeProvider();
const k = (n: number): string => `${(n / 1000).toFixed(1)}k`;

async function longSession(mode: SummariserMode): Promise<string[]> {
  let turn = 0;
  fake.setFallback((request: FakeRequest) =>
    isCompression(request) ? summariserAnswer(mode, request) : { text: replyText(turn) },
  );
  const tw = await makeTestWorkspace({ providerUrl: fake.url, extraConfig: COMPRESSION });
  const lines: string[] = [];
  try {
    const handle = await tw.ws.sessions.open('long', { create: true });
    const first = fake.requests.length;
    for (turn = 1; turn <= TURNS; turn += 1) {
      const outcome = await handle.submit(userLine(turn));
      if (outcome.status !== 'finished') throw new Error(`turn ${turn}: ${outcome.error?.message}`);
    }
    const requests = fake.requests.slice(first);
    const compactions = handle.records().filter((r): r is CompactionRecord => r.kind === 'compaction');
    let at = 0;
    lines.push(
      '| # | level | trigger size (octo) | last request before | summary request(s) | first request after | form |',
    );
    lines.push(
      '| - | ----- | ------------------- | ------------------- | ------------------ | ------------------- | ---- |',
    );
    compactions.forEach((c, i) => {
      const start = requests.findIndex((r, j) => j >= at && isCompression(r));
      const end = requests.findIndex((r, j) => j > start && !isCompression(r));
      const before = requests
        .slice(0, start)
        .filter((r) => !isCompression(r))
        .at(-1);
      const summaries = requests.slice(start, end).map(wireTokens);
      lines.push(
        `| ${i + 1} | ${k(c.level ?? 0)} | ${k(c.tokensBefore)} → ${k(c.tokensAfter)} | ${before === undefined ? '-' : k(wireTokens(before))} | ${summaries.map(k).join(', ')} | ${k(wireTokens(requests[end] ?? ({ body: {} } as FakeRequest)))} | ${c.form ?? '?'} |`,
      );
      at = end;
    });
    const largest = Math.max(...requests.map(wireTokens));
    const stated = Array.from({ length: TURNS }, (_, i) => userLine(i + 1)).filter((l) =>
      STATED_LINE.test(l),
    );
    const kept = (request: FakeRequest | undefined): number => {
      const text = JSON.stringify(wireMessages(request ?? ({ body: {} } as FakeRequest))).toLowerCase();
      return stated.filter((l) => text.includes((STATED_LINE.exec(l)?.[2] ?? l).toLowerCase())).length;
    };
    const lastBefore = requests.at(-1);
    await tw.ws.close();
    const again = await makeTestWorkspace({ providerUrl: fake.url, extraConfig: COMPRESSION, root: tw.root });
    try {
      const resumed: SessionHandle = await again.ws.sessions.open('long');
      const from = fake.requests.length;
      await resumed.submit('What did we decide?');
      const afterResume = fake.requests.slice(from).find((r) => !isCompression(r));
      lines.push(
        `${TURNS} turns, ${compactions.length} compressions, largest request ${k(largest)} (window ${k(WINDOW)}); stated decisions and constraints sent: ${kept(lastBefore)} of ${stated.length} before the restart, ${kept(afterResume)} of ${stated.length} in the first request after it (${k(wireTokens(afterResume ?? ({ body: {} } as FakeRequest)))}).`,
      );
    } finally {
      await again.cleanup();
    }
  } finally {
    await tw.cleanup().catch(() => undefined);
  }
  return lines;
}

async function hugeSession(mode: SummariserMode): Promise<string> {
  const MESSAGES = 20_000;
  fake.setFallback((request: FakeRequest) =>
    isCompression(request) ? summariserAnswer(mode, request) : { text: 'Noted.' },
  );
  const first = await makeTestWorkspace({ providerUrl: fake.url });
  try {
    const created = await first.ws.sessions.open('huge', { create: true });
    const last = created.records().at(-1)?.seq ?? 0;
    await first.ws.close();
    await seedRecords(
      first.dataDir,
      created.id,
      last,
      conversation(MESSAGES, (turn, role) =>
        role === 'user' ? userLine(turn) : `Answer ${turn}: ${words(10, turn)}`,
      ),
    );
    const tw = await makeTestWorkspace({ providerUrl: fake.url, root: first.root });
    const handle = await tw.ws.sessions.open('huge');
    const counted = handle.context().total;
    const from = fake.requests.length;
    const started = performance.now();
    const outcome = await handle.submit('Where are we?');
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const sent = fake.requests.slice(from);
    const summaries = sent.filter(isCompression).map(wireTokens);
    const main = sent.filter((r) => !isCompression(r)).map(wireTokens);
    const form = handle
      .records()
      .filter((r): r is CompactionRecord => r.kind === 'compaction')
      .map((c) => c.form ?? 'failed');
    await tw.ws.close();
    return `| ${mode} | ${k(counted)} | ${summaries.length} (largest ${summaries.length === 0 ? '-' : k(Math.max(...summaries))}) | ${form.join(' then ')} | ${main.map(k).join(', ')} | ${outcome.status} | ${seconds} s |`;
  } finally {
    await first.cleanup();
  }
}

try {
  report(
    `A ${TURNS}-turn session, levels 8k/16k/28k (ratios 2/3/4), a weak summariser answering in loose prose`,
    await longSession('loose'),
  );
  report(`The same, summariser answering in JSON`, await longSession('json'));
  const rows = [
    '| summariser answers | context before (octo) | summary requests | compressions | main request | turn | took |',
    '| ------------------ | --------------------- | ---------------- | ------------ | ------------ | ---- | ---- |',
  ];
  for (const mode of ['json', 'loose', 'useless'] as const) rows.push(await hugeSession(mode));
  report(`A 20,000-message session, window ${k(WINDOW)}, one turn`, rows);
} finally {
  await fake.close();
}
