/** The hub in this process, over a real workspace, with clients that collect what they are sent. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Hub } from '../../src/server/hub.js';
import { newPeerId, type Peer } from '../../src/server/peer.js';
import { startFakeProvider, type FakeProvider } from '../support/fake-provider.js';
import { makeTestWorkspace, type TestWorkspace } from '../support/workspace.js';

type Frame = Record<string, unknown> & { type: string };

class TestPeer implements Peer {
  readonly id = newPeerId();
  readonly label = `test #${this.id}`;
  readonly frames: Frame[] = [];
  private waiters: Array<() => void> = [];

  send(json: string): void {
    this.frames.push(JSON.parse(json) as Frame);
    for (const wake of this.waiters.splice(0)) wake();
  }

  isOpen(): boolean {
    return true;
  }

  async next(test: (frame: Frame) => boolean, from = 0): Promise<Frame> {
    for (;;) {
      const found = this.frames.slice(from).find(test);
      if (found !== undefined) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

let fake: FakeProvider;
let tw: TestWorkspace;
let hub: Hub;
let log: string[];
let logged: Array<() => void>;

/** Resolves once the hub has logged a line containing `text`. */
async function logLine(text: string): Promise<void> {
  while (!log.some((line) => line.includes(text))) await new Promise<void>((resolve) => logged.push(resolve));
}

function send(peer: TestPeer, frame: object): void {
  hub.receive(peer, { ok: true, text: JSON.stringify(frame) });
}

async function attach(peer: TestPeer, name: string): Promise<void> {
  const from = peer.frames.length;
  send(peer, { type: 'session', session_id: name });
  await peer.next((f) => f.type === 'status' && f.session_id === name, from);
}

beforeEach(async () => {
  fake = await startFakeProvider();
  tw = await makeTestWorkspace({ providerUrl: fake.url });
  log = [];
  logged = [];
  hub = new Hub(tw.ws, {
    version: 'test',
    approvalTimeoutMs: 60_000,
    log: (line) => {
      log.push(line);
      for (const wake of logged.splice(0)) wake();
    },
  });
});

afterEach(async () => {
  await hub.close();
  await tw.cleanup();
  await fake.close();
});

describe('Hub', () => {
  it("detach stops a client's frames of that session and lets it go; the connection stays", async () => {
    const peer = new TestPeer();
    hub.connect(peer);
    await attach(peer, 'one');
    await attach(peer, 'two');
    send(peer, { type: 'detach', session_id: 'one', request_id: 'd1' });
    await peer.next((f) => f.type === 'ack' && f.request_id === 'd1');
    await logLine('let go of session one');
    expect(hub.stats().map((s) => [s.name, s.clients])).toEqual([
      ['one', 0],
      ['two', 1],
    ]);
    // The session is free: this process can open it for writing again, as another would.
    const handle = await tw.ws.sessions.open('one');
    expect(handle.readOnly).toBe(false);
    await handle.close();

    fake.enqueue({ text: 'Still here.' });
    send(peer, { type: 'message', session_id: 'two', content: 'hello' });
    expect(await peer.next((f) => f.type === 'assistant')).toMatchObject({
      session_id: 'two',
      content: 'Still here.',
    });
  });

  it('forgets the replay of sessions it let go, oldest first, past 32 MB in all', async () => {
    const peer = new TestPeer();
    hub.connect(peer);
    const names = Array.from({ length: 10 }, (_, i) => `s${i}`);
    for (const name of names) await attach(peer, name);
    const filler = 'r'.repeat(3_500_000);
    for (const live of hub.sessions.all())
      live.emit({ type: 'status', session_id: live.name, message: filler });
    for (const name of names) {
      send(peer, { type: 'detach', session_id: name });
      await logLine(`let go of session ${name}`);
    }
    // Ten buffers of 3.5 MB: the oldest goes, and a reconnecting client of it is told nothing is left.
    await expect.poll(() => hub.stats().map((s) => s.name)).toEqual(names.slice(1));
    expect(hub.stats().reduce((sum, s) => sum + s.replayBytes, 0)).toBeLessThanOrEqual(32 * 1024 * 1024);
    const from = peer.frames.length;
    send(peer, { type: 'session', session_id: 's0', since_seq: 1, instance: hub.instance });
    const status = await peer.next((f) => f.type === 'status' && f.session_id === 's0', from);
    expect(status.data).toMatchObject({ replay: { since_seq: 1, frames: 0, complete: false } });
  });
});
