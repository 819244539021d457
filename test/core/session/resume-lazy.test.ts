/**
 * A long session resumed from its resume point (docs/architecture.md, Opening a long session from its end): only its end is read, and everything the
 * session does is what it would do with all of it read (context, request, summary, /info, show, fork,
 * /uncompress); the rest is read when asked for.
 */
import { appendFile, cp, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionHandle } from '../../../src/core/api.js';
import type { OctoEvents } from '../../../src/core/events.js';
import { readResumePoint, resumePointPath } from '../../../src/core/session/resume-point.js';
import { indexSummary } from '../../../src/core/session/summary.js';
import type { NewRecord, SessionSummary } from '../../../src/core/store/records.js';
import { serializeLine } from '../../../src/core/store/line-parser.js';
import { recordDocId } from '../../../src/core/store/session-tail.js';
import type { FakeRequest } from '../../support/fake-provider.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';
import { isCompression, summariserReply, wireMessages, words } from '../context/support.js';

const suite = useScriptedSuite();

/** Replies that depend on the request alone: the same request gets the same answer and usage. */
function answering(): void {
  suite.fake.setFallback((request: FakeRequest) => {
    if (isCompression(request)) return summariserReply(request);
    const n = wireMessages(request).length;
    return { text: `answer ${n} ${words(12, n)}`, usage: { prompt: 900 + n, completion: 30 } };
  });
}

/**
 * Turns written straight into the closed session's file, as the writer writes them (thousands of
 * real turns would take minutes): every fifth question states a decision the summariser keeps.
 */
async function appendTurns(tw: TestWorkspace, handle: SessionHandle, turns: number): Promise<void> {
  const last = handle.records().at(-1);
  await handle.close();
  let seq = last?.seq ?? 0;
  const at = last?.at ?? new Date().toISOString();
  const lines: string[] = [];
  const line = (record: NewRecord): void => {
    seq += 1;
    lines.push(`${serializeLine({ _id: recordDocId(seq), ...record, seq, at })}\n`);
  };
  for (let turn = 0; turn < turns; turn += 1) {
    const question =
      turn % 5 === 0 ? `Decision: keep rule ${seq} of the store` : `question at ${seq} ${words(30, seq)}`;
    line({ kind: 'message', role: 'user', content: question, inContext: true });
    line({
      kind: 'message',
      role: 'assistant',
      content: `reply at ${seq} ${words(40, seq)}`,
      inContext: true,
      model: 'test:fake-model',
      usage: { input: 1000 + seq, output: 50, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      cost: 0.001 + seq / 1e6,
    });
  }
  await appendFile(path.join(tw.dataDir, 'sessions', `${handle.id}.db`), lines.join(''));
}

/**
 * A session of about 420 records, closed cleanly: 100 turns, a compression (its knowledge lands in
 * the middle), 100 more, another compression, and two real turns. Its resume point starts the read
 * after the first compression's knowledge.
 */
async function longSession(tw: TestWorkspace): Promise<string> {
  answering();
  let handle = await tw.ws.sessions.open('long', { create: true });
  await appendTurns(tw, handle, 100);
  handle = await tw.ws.sessions.open('long');
  expect((await handle.command('/summarize')).type).toBe('compacted');
  await appendTurns(tw, handle, 100);
  handle = await tw.ws.sessions.open('long');
  expect((await handle.command('/summarize')).type).toBe('compacted');
  await handle.submit('one more question');
  await handle.submit('and the last one');
  const id = handle.id;
  await handle.close();
  return id;
}

/** A summary without its place in the list (the index's, not the records'). */
function unordered(summary: SessionSummary): Omit<SessionSummary, 'order'> {
  const { order: _order, ...rest } = summary;
  return rest;
}

/** What a session shows and sends, for comparing a partly read one with a wholly read one. */
function facts(handle: SessionHandle) {
  const snapshot = handle.snapshot();
  return { summary: handle.summary(), context: snapshot.context };
}

describe('resuming a long session from its end', () => {
  it('reads only the end, and shows, counts and sends what a whole read would', async () => {
    const first = (suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url }));
    const id = await longSession(first);
    // Both sides start as new processes do: nothing counted in memory.
    const tw = (suite.tw = await first.reopen());
    const point = await readResumePoint(resumePointPath(tw.dataDir, id));
    expect(point).not.toBeNull();
    expect(point?.earlier.some((r) => r.kind === 'knowledge')).toBe(true);
    // The lines it starts at, as the writer left them: not checked against the record schema again.
    expect(point?.tailSha256).toMatch(/^[0-9a-f]{64}$/);

    // The same folders without the resume point: the whole file is read, as without one.
    const wholeRoot = `${tw.root}-whole`;
    await cp(tw.root, wholeRoot, { recursive: true });
    await rm(resumePointPath(path.join(wholeRoot, 'data'), id));
    const whole = await makeTestWorkspace({ providerUrl: suite.fake.url, root: wholeRoot });
    try {
      const lazy = await tw.ws.sessions.open('long');
      const full = await whole.ws.sessions.open('long');
      const all = full.records();
      expect(full.earlierRecords()).toBe(0);
      expect(lazy.records()[0]?.seq).toBe(point?.fromSeq);
      expect(lazy.earlierRecords()).toBe(all.length - lazy.records().length);
      expect(lazy.snapshot().earlierRecords).toBe(lazy.earlierRecords());
      expect(lazy.records()).toEqual(all.slice(-lazy.records().length));
      expect(facts(lazy)).toEqual(facts(full));
      expect(unordered(lazy.summary())).toEqual(
        unordered(indexSummary(id, all, lazy.summary().contextTokens)),
      );

      // The next request holds the same messages, the knowledge from before the read part included.
      const sent = suite.fake.requests.length;
      await lazy.submit('next question');
      await full.submit('next question');
      const [fromLazy, fromFull] = suite.fake.requests.slice(sent).map(wireMessages);
      expect(fromLazy).toEqual(fromFull);
      expect(JSON.stringify(fromLazy)).toContain('Decision: keep rule');
      const { updatedAt: _lazyAt, ...lazyAfter } = lazy.summary();
      const { updatedAt: _fullAt, ...fullAfter } = full.summary();
      expect(lazyAfter).toEqual(fullAfter);
      expect(lazy.snapshot().context).toEqual(full.snapshot().context);

      // A compression sees the same context, and keeps the knowledge from before the read part.
      const asked = suite.fake.requests.length;
      expect((await lazy.command('/summarize')).type).toBe('compacted');
      expect((await full.command('/summarize')).type).toBe('compacted');
      const [lazyAsk, fullAsk] = suite.fake.requests.slice(asked).map(wireMessages);
      expect(lazyAsk).toEqual(fullAsk);
      const compaction = (handle: SessionHandle) => {
        const found = handle.records().findLast((r) => r.kind === 'compaction');
        return found?.kind === 'compaction' ? [found.tokensBefore, found.tokensAfter] : null;
      };
      expect(compaction(lazy)).toEqual(compaction(full));
      expect(lazy.snapshot().context).toEqual(full.snapshot().context);
      expect(lazy.earlierRecords()).toBeGreaterThan(0);
      // /info sums every record: it reads them first.
      expect(await lazy.command('/info')).toEqual(await full.command('/info'));
      expect(lazy.earlierRecords()).toBe(0);
      await full.close();
    } finally {
      await whole.cleanup();
      await rm(wholeRoot, { recursive: true, force: true });
    }
  });

  it('reads the earlier records when asked, as one whole-history change', async () => {
    const tw = (suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url }));
    await longSession(tw);
    const handle = await tw.ws.sessions.open('long');
    const start = handle.snapshot();
    expect(start.earlierRecords).toBeGreaterThan(300);
    const events: Array<OctoEvents['session.recordsChanged']> = [];
    tw.ws.on('session.recordsChanged', (e) => events.push(e));

    await handle.loadEarlier();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ version: start.version + 1, change: { kind: 'replaced' } });
    expect(handle.earlierRecords()).toBe(0);
    expect(handle.records()[0]?.seq).toBe(1);
    expect(handle.records().slice(-start.records.length)).toEqual(start.records);
    expect(events[0]?.change.records).toEqual(handle.records());
    await handle.loadEarlier();
    expect(events).toHaveLength(1);
  });

  it('gives the whole history to show, export and fork while only the end is read', async () => {
    const tw = (suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url }));
    await longSession(tw);
    const handle = await tw.ws.sessions.open('long');
    expect(handle.earlierRecords()).toBeGreaterThan(0);
    const shown = await tw.ws.sessions.show('long');
    expect(shown.records[0]?.seq).toBe(1);
    await tw.ws.sessions.fork('long', 'copy');
    const copied = (await tw.ws.sessions.show('copy')).records.filter((r) => r.kind === 'message');
    expect(copied).toHaveLength(shown.records.filter((r) => r.kind === 'message').length);
  });

  it('undoes a compression whose messages were not read', async () => {
    const tw = (suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url }));
    await longSession(tw);
    const handle = await tw.ws.sessions.open('long');
    expect(handle.earlierRecords()).toBeGreaterThan(0);
    const compaction = handle.records().findLast((r) => r.kind === 'compaction');
    expect(compaction?.kind === 'compaction' && compaction.compactedSeqs[0]).toBeLessThan(
      handle.records()[0]?.seq ?? 0,
    );
    expect((await handle.command('/uncompress')).type).toBe('uncompressed');
    expect(handle.earlierRecords()).toBe(0);
    const undone = new Set(compaction?.kind === 'compaction' ? compaction.compactedSeqs : []);
    const back = handle.records().filter((r) => undone.has(r.seq));
    expect(back.length).toBe(undone.size);
    expect(back.every((r) => r.kind === 'message' && r.inContext)).toBe(true);
    const contextAfter = handle.snapshot().context.total;
    await handle.close();
    // Reopened from the point its close left (the context reaches back further now): the same context.
    const reopened = await tw.ws.sessions.open('long');
    expect(reopened.records()[0]?.seq).toBeLessThanOrEqual(Math.min(...undone));
    expect(reopened.snapshot().context.total).toBe(contextAfter);
  });

  it('reads the whole file when it changed after its resume point was left', async () => {
    const tw = (suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url }));
    const id = await longSession(tw);
    // Another writer (an older octo, a crash after an append) changed the file: the point is stale.
    const handle = await tw.ws.sessions.open('long');
    await appendTurns(tw, handle, 1);
    const reopened = await tw.ws.sessions.open('long');
    expect(reopened.earlierRecords()).toBe(0);
    expect(reopened.records()[0]?.seq).toBe(1);
    expect(unordered(reopened.summary())).toEqual(
      unordered(indexSummary(id, reopened.records(), reopened.summary().contextTokens)),
    );
    // Its clean close leaves a new point, from which the next open reads the end again.
    await reopened.close();
    const again = await tw.ws.sessions.open('long');
    expect(again.earlierRecords()).toBeGreaterThan(0);
    expect(again.summary()).toEqual(reopened.summary());
  });
});
