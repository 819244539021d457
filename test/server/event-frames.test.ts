/** The "events" capability of the hub (octo attach): a snapshot on attach, then the session's events as frames. */
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionSnapshot } from '../../src/core/api.js';
import { Hub, newPeerId, type Peer } from '../../src/server/index.js';
import { SERVER_FRAMES } from '../../src/server/protocol.js';
import { useScriptedSuite } from '../support/scripted-suite.js';
import { makeTestWorkspace } from '../support/workspace.js';

const suite = useScriptedSuite();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Frame = Record<string, unknown> & { type: string };

function client(hub: Hub): { peer: Peer; frames: Frame[]; send(frame: object): void } {
  const frames: Frame[] = [];
  const peer: Peer = {
    id: newPeerId(),
    label: 'test',
    isOpen: () => true,
    send: (json) => frames.push(JSON.parse(json) as Frame),
  };
  hub.connect(peer);
  return { peer, frames, send: (frame) => hub.receive(peer, { ok: true, text: JSON.stringify(frame) }) };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

// Several workspaces and model turns each: room for a loaded machine.
describe('the events capability', { timeout: 60_000 }, () => {
  it('gives a client that asks the snapshot and every event of its session; others get neither', async () => {
    const t = await makeTestWorkspace({ providerUrl: suite.fake.url });
    cleanups.push(() => t.cleanup());
    const hub = new Hub(t.ws, { version: 'test', approvalTimeoutMs: 10_000, log: () => undefined });
    cleanups.push(() => hub.close());
    const attach = client(hub);
    const plain = client(hub);
    attach.send({ type: 'session', session_id: 'watched', caps: ['events'], request_id: 'a' });
    plain.send({ type: 'session', session_id: 'watched', request_id: 'p' });
    await until(() => [attach, plain].every((c) => c.frames.some((f) => f.type === 'status')));

    const status = attach.frames.find((f) => f.type === 'status') as Frame & {
      data: { snapshot: SessionSnapshot; jobs: unknown[] };
    };
    expect(status.data.snapshot).toMatchObject({ readOnly: false, busy: false, holder: null });
    expect(status.data.snapshot.summary.name).toBe('watched');
    const { sessionId, version } = status.data.snapshot;
    expect(status.data.jobs).toEqual([]);
    expect(plain.frames.find((f) => f.type === 'status')?.data).not.toHaveProperty('snapshot');

    suite.fake.enqueue({ text: 'Seen by both.' });
    plain.send({ type: 'message', session_id: 'watched', content: 'hello', request_id: 'm' });
    await until(() => attach.frames.some((f) => f.type === 'event' && f.name === 'turn.finished'));

    const events = attach.frames.filter((f) => f.type === 'event');
    expect(events.map((f) => f.name)).toEqual(
      expect.arrayContaining(['turn.started', 'turn.delta', 'session.recordsChanged', 'turn.finished']),
    );
    for (const frame of events) {
      expect(SERVER_FRAMES.event.safeParse(frame).success).toBe(true);
      expect(frame.session_id).toBe('watched');
    }
    // Record changes continue the snapshot's version, one by one, and carry the records themselves.
    const changes = events
      .filter((f) => f.name === 'session.recordsChanged')
      .map(
        (f) =>
          f.payload as {
            sessionId: string;
            version: number;
            change: { records: Array<{ content?: string }> };
          },
      );
    expect(changes.map((c) => c.version)).toEqual(changes.map((_, i) => version + i + 1));
    expect(changes.every((c) => c.sessionId === sessionId)).toBe(true);
    expect(changes.flatMap((c) => c.change.records.map((r) => r.content))).toEqual(
      expect.arrayContaining(['hello', 'Seen by both.']),
    );
    // Approvals travel as their own frames, and workspace-wide events stay with the holder.
    expect(events.some((f) => String(f.name).startsWith('approval.') || f.name === 'mcp.status')).toBe(false);
    expect(plain.frames.some((f) => f.type === 'event')).toBe(false);
    expect(plain.frames.some((f) => f.type === 'assistant' && f.content === 'Seen by both.')).toBe(true);
  });
});
