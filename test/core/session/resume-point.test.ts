import { stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readResumePoint,
  resumeFromSeq,
  SCREEN_MESSAGES,
  writeResumePoint,
  type ResumePoint,
} from '../../../src/core/session/resume-point.js';
import { indexSummary, indexSummaryFrom } from '../../../src/core/session/summary.js';
import type { NewRecord, SessionRecord } from '../../../src/core/store/records.js';
import { makeTempDir } from '../../support/temp.js';
import { usage } from '../../support/seed-session.js';

const at = (seq: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString();

/** A history with every kind of record the summary reads, odd costs (0.1 + 0.2) and unknown ones. */
function history(): SessionRecord[] {
  const records: SessionRecord[] = [
    {
      seq: 1,
      at: at(1),
      kind: 'command',
      command: 'create',
      id: 's_x',
      name: 'first',
      projectDir: '/p',
      projectId: 'p1',
      model: 'a:m',
    },
  ];
  const push = (record: NewRecord): void => {
    const seq = records.length + 1;
    records.push({ ...record, seq, at: at(seq) });
  };
  for (let turn = 0; turn < 12; turn += 1) {
    push({ kind: 'message', role: 'user', content: `question ${turn}`, inContext: true });
    push({
      kind: 'message',
      role: 'assistant',
      content: turn === 3 ? '' : `answer ${turn}`,
      inContext: true,
      usage: turn === 5 ? null : usage(100 * turn, 7),
      cost: turn === 7 ? null : [0.1, 0.2, 0.3][turn % 3],
    });
    if (turn === 4) push({ kind: 'command', command: 'rename', name: 'second', previous: 'first' });
    if (turn === 6) push({ kind: 'command', command: 'model', model: 'b:n', previous: 'a:m' });
    if (turn === 8)
      push({
        kind: 'compaction',
        summary: 'so far',
        compactedSeqs: [2, 3],
        tokensBefore: 900,
        tokensAfter: 300,
        model: 'b:n',
        usage: usage(900, 50),
        cost: 0.1,
      });
    if (turn === 9) push({ kind: 'command', command: 'trash' });
    if (turn === 10) push({ kind: 'command', command: 'restore' });
    if (turn === 11)
      push({
        kind: 'message',
        role: 'system',
        content: 'moved',
        inContext: true,
        notice: { kind: 'moved', from: '/p', to: '/q', projectId: 'p2' },
      });
  }
  return records;
}

describe('summaries from a resume point', () => {
  it('adds the records after a resume point to its summary as if all were summarised at once', () => {
    const records = history();
    const whole = indexSummary('s_x', records, 42);
    for (let split = 0; split <= records.length; split += 1) {
      const base = indexSummary('s_x', records.slice(0, split), 7);
      expect(indexSummaryFrom(base, records.slice(split), 42)).toEqual(whole);
    }
  });
});

describe('where a resume starts reading', () => {
  const messages = (count: number): SessionRecord[] =>
    Array.from({ length: count }, (_, i) => ({
      seq: i + 1,
      at: at(i + 1),
      kind: 'message',
      role: 'user',
      content: `m${i + 1}`,
      inContext: true,
    }));

  it('starts at the first message in context when that is further back than the screen', () => {
    expect(resumeFromSeq(messages(500), 120)).toBe(120);
  });

  it("starts at the screen's last messages when fewer are in context", () => {
    expect(resumeFromSeq(messages(500), 490)).toBe(500 - SCREEN_MESSAGES + 1);
    expect(resumeFromSeq(messages(10), null)).toBe(1);
  });

  it('never starts at a tool result: its call is read too', () => {
    const records = messages(500).map((record): SessionRecord => {
      if (record.kind !== 'message') return record;
      // Seqs 439 and 440 are results of the calls 438 makes; 441 is the screen's first message.
      if (record.seq === 438)
        return {
          ...record,
          role: 'assistant',
          toolCalls: [
            { id: 'a', name: 'read_file', arguments: '{}' },
            { id: 'b', name: 'read_file', arguments: '{}' },
          ],
        };
      if (record.seq === 439 || record.seq === 440)
        return { ...record, role: 'tool', toolCallId: record.seq === 439 ? 'a' : 'b' };
      return record;
    });
    expect(resumeFromSeq(records, null)).toBe(441);
    expect(resumeFromSeq(records, 440)).toBe(438);
    expect(resumeFromSeq(records.slice(0, 499), null)).toBe(438);
  });
});

describe('the resume point file', () => {
  const point: ResumePoint = {
    version: 1,
    state: { size: 10, mtimeMs: 1.5, ino: 3 },
    fromSeq: 5,
    lastSeq: 9,
    earlierCount: 4,
    summary: indexSummary('s_x', history()),
    earlier: [
      { seq: 2, at: at(2), kind: 'knowledge', op: 'add', entryId: 'k1', category: 'decision', text: 't' },
    ],
  };

  it('round-trips, private to the user', async () => {
    const temp = await makeTempDir('octo-resume');
    const file = path.join(temp.path, 'cache', 'resume', 's_x.json');
    await writeResumePoint(file, point);
    expect(await readResumePoint(file)).toEqual(point);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await temp.cleanup();
  });

  it('counts as none when missing, torn, of another version or of the wrong shape', async () => {
    const temp = await makeTempDir('octo-resume');
    const file = path.join(temp.path, 'point.json');
    expect(await readResumePoint(file)).toBeNull();
    for (const text of [
      JSON.stringify(point).slice(0, 40),
      JSON.stringify({ ...point, version: 2 }),
      JSON.stringify({ ...point, summary: { id: 's_x' } }),
      JSON.stringify({ ...point, earlier: [{ seq: 1, kind: 'message' }] }),
      JSON.stringify({ ...point, fromSeq: '5' }),
    ]) {
      await writeFile(file, text);
      expect(await readResumePoint(file)).toBeNull();
    }
    await temp.cleanup();
  });
});
