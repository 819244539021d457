import { describe, expect, it } from 'vitest';
import type { CompactionRecord, MessageRecord } from '../../../src/core/store/records.js';
import type { FakeRequest, FakeStep } from '../../support/fake-provider.js';
import { STATED_LINE, summariserAnswer, type SummariserMode } from '../../support/fake-summariser.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace } from '../../support/workspace.js';
import { collect, compressionConfig, isCompression, wireMessages, wireTokens, words } from './support.js';

const LEVELS = [
  { threshold: 8000, ratio: 2 },
  { threshold: 16000, ratio: 3 },
  { threshold: 28000, ratio: 4 },
];
const COMPRESSION = compressionConfig(LEVELS);

/** Turns after which one reply is big enough to jump past the second and the third level. */
const JUMP_TO_SECOND = 100;
const JUMP_TO_THIRD = 160;

function userLine(turn: number): string {
  if (turn % 17 === 5)
    return `Decision: keep the sessions of project ${turn} in plain files, never in a database`;
  if (turn % 17 === 11) return `Constraint: no reply may name more than ${turn} files`;
  return `Turn ${turn}: ${words(20, turn)}`;
}

function replyText(turn: number): string {
  // Between compressions the context holds 4,000 to 8,000 tokens: these land past 16,000 and 28,000.
  if (turn === JUMP_TO_SECOND) return words(13000, turn);
  if (turn === JUMP_TO_THIRD) return words(25000, turn);
  return `Answer ${turn}: ${words(60, turn)}`;
}

/** The provider of the scripted session: summaries for compression requests, a tool call every 13th turn. */
function script(turnNow: () => number, mode: SummariserMode): FakeStep {
  return (request: FakeRequest) => {
    if (isCompression(request)) return summariserAnswer(mode, request);
    const turn = turnNow();
    const last = wireMessages(request).at(-1);
    if (turn % 13 === 0 && last?.role === 'user') {
      return {
        toolCalls: [{ id: `call_${turn}`, name: 'list_dir', arguments: '{}' }],
        usage: { prompt: 100, completion: 5 },
      };
    }
    return { text: replyText(turn), usage: { prompt: 100, completion: 50 } };
  };
}

/** Every tool call in a request has its result and every result its call. */
function paired(request: FakeRequest): boolean {
  const messages = wireMessages(request) as Array<{
    role: string;
    tool_call_id?: string;
    tool_calls?: Array<{ id: string }>;
  }>;
  const calls = messages.flatMap((m) => (m.tool_calls ?? []).map((c) => c.id));
  const results = messages.filter((m) => m.role === 'tool').map((m) => m.tool_call_id);
  return calls.length === results.length && calls.every((id) => results.includes(id));
}

const suite = useScriptedSuite();

/** testConfig's window. */
const WINDOW = 100_000;

/** The statements of the decision and constraint lines, as any summariser must keep them (prose rewords the label away). */
function statement(line: string): string {
  return (STATED_LINE.exec(line)?.[2] ?? line).toLowerCase();
}

describe.each<SummariserMode>(['json', 'loose'])(
  'automatic compression over a long session, summaries in %s',
  (mode) => {
    it('crosses three pressure levels in 200 turns, shrinks each time by the level ratio, and keeps every decision across a resume', async () => {
      let turn = 0;
      suite.fake.setFallback(script(() => turn, mode));
      suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, extraConfig: COMPRESSION });
      const compacted = collect(suite.tw.ws, 'context.compacted');
      const handle = await suite.tw.ws.sessions.open('long', { create: true });
      const first = suite.fake.requests.length;
      for (turn = 1; turn <= 200; turn += 1) {
        const outcome = await handle.submit(userLine(turn));
        expect(outcome.status, `turn ${turn}: ${outcome.error?.message}`).toBe('finished');
      }
      const requests = suite.fake.requests.slice(first);
      const summaries = requests.flatMap((r, i) => (isCompression(r) ? [i] : []));
      expect(summaries.length).toBe(compacted.length);
      expect(new Set(compacted.map((c) => c.level))).toEqual(new Set(LEVELS.map((l) => l.threshold)));
      summaries.forEach((index, k) => {
        const event = compacted[k];
        const next = requests[index + 1];
        if (event === undefined || next === undefined)
          throw new Error(`compression ${k} has no event or no next request`);
        const ratio = LEVELS.find((l) => l.threshold === event.level)?.ratio ?? 0;
        expect(event.tokensBefore).toBeGreaterThan(event.level ?? Infinity);
        expect(isCompression(next)).toBe(false);
        expect(wireTokens(next), `compression ${k} at level ${event.level}`).toBeLessThanOrEqual(
          (event.tokensBefore / ratio) * 1.1,
        );
      });
      expect(requests.every((r) => isCompression(r) || paired(r))).toBe(true);
      expect(Math.max(...requests.map(wireTokens))).toBeLessThanOrEqual(WINDOW);
      const compactionRecords = handle
        .records()
        .filter((r): r is CompactionRecord => r.kind === 'compaction');
      expect(new Set(compactionRecords.map((c) => c.form))).toEqual(
        new Set([mode === 'json' ? 'structured' : 'prose']),
      );

      const stated = Array.from({ length: 200 }, (_, i) => userLine(i + 1)).filter((l) =>
        STATED_LINE.test(l),
      );
      const missing = (request: FakeRequest | undefined): string[] => {
        const sent = JSON.stringify(wireMessages(request ?? ({ body: {} } as FakeRequest))).toLowerCase();
        return stated.filter((line) => !sent.includes(statement(line)));
      };
      expect(stated.length).toBeGreaterThan(20);
      expect(missing(requests.at(-1))).toEqual([]);

      const records = handle.records();
      const compactions = records.filter((r): r is CompactionRecord => r.kind === 'compaction');
      const outOfContext = records
        .filter((r): r is MessageRecord => r.kind === 'message' && !r.inContext)
        .map((m) => m.seq);
      expect(compactions).toHaveLength(compacted.length);
      expect(outOfContext).toEqual(compactions.flatMap((c) => c.compactedSeqs));
      expect(records.filter((r) => r.kind === 'message')).toHaveLength(200 * 2 + 2 * Math.floor(200 / 13));

      const again = await suite.tw.reopen();
      suite.tw = again;
      const resumed = await again.ws.sessions.open('long');
      const before = suite.fake.requests.length;
      turn = 201;
      await resumed.submit('Turn 201: what did we decide?');
      expect(missing(suite.fake.requests[before])).toEqual([]);
    }, 120_000);
  },
);
