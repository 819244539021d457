import { describe, expect, it } from 'vitest';
import type { SessionSnapshot } from '../../../src/core/api.js';
import type { OctoEvents } from '../../../src/core/events.js';
import { applyRecordsChange } from '../../../src/core/session/index.js';
import type { SessionRecord } from '../../../src/core/store/records.js';
import type { FakeRequest } from '../../support/fake-provider.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';
import { isCompression, summariserReply, words } from '../context/support.js';

const suite = useScriptedSuite();

async function workspace(): Promise<TestWorkspace> {
  let n = 0;
  suite.fake.setFallback((request: FakeRequest) => {
    if (isCompression(request)) return summariserReply(request);
    n += 1;
    return { text: `answer ${n} ${words(20, n)}` };
  });
  suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
  return suite.tw;
}

/** Every records event of one session, in order. */
function recordEvents(
  tw: TestWorkspace,
  sessionId: () => string,
): Array<OctoEvents['session.recordsChanged']> {
  const events: Array<OctoEvents['session.recordsChanged']> = [];
  tw.ws.on('session.recordsChanged', (e) => {
    if (e.sessionId === sessionId()) events.push(e);
  });
  return events;
}

/** A deep copy to compare a snapshot against later (the snapshot itself must not move). */
const frozen = (records: readonly SessionRecord[]): SessionRecord[] =>
  JSON.parse(JSON.stringify(records)) as SessionRecord[];

describe('session snapshots for front ends', () => {
  it('does not change a snapshot taken before an append, a turn or a compression', async () => {
    const tw = await workspace();
    const handle = await tw.ws.sessions.open('snap', { create: true });
    await handle.submit('first question');
    const before = handle.snapshot();
    const records = handle.records();
    const copy = frozen(before.records);

    await handle.submit('second question');
    expect(before.records).toEqual(copy);
    expect(records).toBe(before.records);
    expect(handle.records()).not.toBe(records);
    expect(handle.records().length).toBe(copy.length + 2);

    const compacted = await handle.command('/summarize');
    expect(compacted.type).toBe('compacted');
    expect(before.records).toEqual(copy);
    // The compression marked messages out of context: in the new records, never in the old ones.
    expect(handle.records().some((r) => r.kind === 'message' && !r.inContext)).toBe(true);
    expect(copy.every((r) => r.kind !== 'message' || r.inContext)).toBe(true);
  });

  it('announces every change with the next version, so a snapshot plus the events is the session', async () => {
    const tw = await workspace();
    let id = '';
    const events = recordEvents(tw, () => id);
    const handle = await tw.ws.sessions.open('follow', { create: true });
    id = handle.id;
    const start = handle.snapshot();
    for (let i = 1; i <= 3; i += 1) await handle.submit(`question ${i} ${words(40, i)}`);
    expect((await handle.command('/summarize')).type).toBe('compacted');
    expect((await handle.command('/uncompress')).type).toBe('uncompressed');

    const end = handle.snapshot();
    expect(events.map((e) => e.version)).toEqual(
      Array.from({ length: end.version - start.version }, (_, i) => start.version + i + 1),
    );
    expect(new Set(events.map((e) => e.change.kind))).toEqual(new Set(['appended', 'updated']));
    const followed = events.reduce((records, e) => applyRecordsChange(records, e.change), start.records);
    expect(followed).toEqual(end.records);
    expect(end).toMatchObject<Partial<SessionSnapshot>>({
      sessionId: handle.id,
      summary: handle.summary(),
      readOnly: false,
      holder: null,
      busy: false,
    });
    expect(end.context.total).toBeGreaterThan(0);
  });

  it('follows another terminal’s writes in a read-only view as whole-history events', async () => {
    const tw = await workspace();
    // A second workspace on the same folders is a second terminal: the session's lock is the first's.
    const second = await makeTestWorkspace({ providerUrl: suite.fake.url, root: tw.root });
    try {
      const writer = await tw.ws.sessions.create('shared');
      await writer.submit('one');
      const view = await second.ws.sessions.open('shared');
      const start = view.snapshot();
      const copy = frozen(start.records);
      expect(start).toMatchObject({ readOnly: true, holder: { pid: process.pid } });
      const followed = new Promise<OctoEvents['session.recordsChanged']>((resolve) =>
        second.ws.on('session.recordsChanged', (e) => {
          if (e.sessionId === view.id && e.change.records.length >= copy.length + 2) resolve(e);
        }),
      );
      await writer.submit('two');
      const event = await followed;
      expect(event.change.kind).toBe('replaced');
      expect(event.version).toBeGreaterThan(start.version);
      expect(start.records).toEqual(copy);
      expect(view.snapshot().records).toEqual(event.change.records);
      expect(view.snapshot().records).toEqual(writer.records());
    } finally {
      await second.ws.close();
    }
  });
});

describe('applyRecordsChange', () => {
  const record = (seq: number, content = `m${seq}`): SessionRecord => ({
    kind: 'message',
    seq,
    at: '2025-06-01T10:00:00Z',
    role: 'user',
    content,
    inContext: true,
  });

  it('makes a new array and leaves the one it was given as it was', () => {
    const records = [record(1), record(2)];
    const appended = applyRecordsChange(records, { kind: 'appended', records: [record(3)] });
    expect(appended.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records.map((r) => r.seq)).toEqual([1, 2]);
    const updated = applyRecordsChange(appended, { kind: 'updated', records: [record(2, 'changed')] });
    expect(updated.map((r) => (r.kind === 'message' ? r.content : ''))).toEqual(['m1', 'changed', 'm3']);
    expect(appended[1]).toEqual(record(2));
  });

  it('ignores what the records already hold, so a change met twice is applied once', () => {
    const records = [record(1), record(2)];
    expect(applyRecordsChange(records, { kind: 'appended', records: [record(2)] })).toBe(records);
    expect(applyRecordsChange(records, { kind: 'updated', records: [record(9)] })).toBe(records);
    const replacement = [record(1)];
    expect(applyRecordsChange(records, { kind: 'replaced', records: replacement })).toBe(replacement);
  });
});
