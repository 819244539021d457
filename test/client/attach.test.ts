/**
 * `octo attach` in one process: a real workspace held by a real Hub (the server's protocol), and two
 * attached workspaces driving it through frames, as two terminals would. The transport is an in-memory
 * pair that delivers each frame on a later turn of the event loop, like a socket.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AttachedWorkspace, type FrameChannel, type Holder } from '../../src/client/index.js';
import type { SessionHandle, SessionRecord } from '../../src/core/api.js';
import { OctoError } from '../../src/core/errors.js';
import type { OctoEvents } from '../../src/core/events.js';
import { Hub, newPeerId, type Peer } from '../../src/server/index.js';
import { nextEvent as next } from '../core/project/support.js';
import { useScriptedSuite } from '../support/scripted-suite.js';
import { makeTestWorkspace, type TestWorkspace } from '../support/workspace.js';

const suite = useScriptedSuite();
const opened: Array<{ close(): Promise<void> | void }> = [];

afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

interface Pipe {
  channel: FrameChannel;
  /** Frames the hub sent that the test chose to lose (a dropped frame). */
  drop(match: (frame: Record<string, unknown>) => boolean): void;
  /** The connection breaks, as when the holder stops. */
  cut(reason: string): void;
}

/** A client connection to the hub: frames both ways, each delivered asynchronously. */
function pipe(hub: Hub): Pipe {
  const frameListeners = new Set<(frame: Record<string, unknown>) => void>();
  const closeListeners = new Set<(reason: string) => void>();
  let open = true;
  let dropping: ((frame: Record<string, unknown>) => boolean) | null = null;
  const peer: Peer = {
    id: newPeerId(),
    label: 'test pipe',
    isOpen: () => open,
    send: (json) => {
      const frame = JSON.parse(json) as Record<string, unknown>;
      setImmediate(() => {
        if (!open) return;
        if (dropping?.(frame) === true) {
          dropping = null;
          return;
        }
        for (const listener of [...frameListeners]) listener(frame);
      });
    },
  };
  const cut = (reason: string): void => {
    if (!open) return;
    open = false;
    hub.disconnect(peer);
    setImmediate(() => closeListeners.forEach((listener) => listener(reason)));
  };
  hub.connect(peer);
  return {
    channel: {
      send: (frame) =>
        setImmediate(() => open && hub.receive(peer, { ok: true, text: JSON.stringify(frame) })),
      onFrame: (listener) => {
        frameListeners.add(listener);
        return () => frameListeners.delete(listener);
      },
      onClose: (listener) => {
        closeListeners.add(listener);
        return () => closeListeners.delete(listener);
      },
      close: () => cut('closed by the client'),
    },
    drop: (match) => {
      dropping = match;
    },
    cut,
  };
}

const HOLDER: Holder = {
  label: 'test server (pid 1)',
  pid: process.pid,
  host: 'here',
  since: '2026-01-01T00:00:00.000Z',
  serves: 'all',
};

interface Setup {
  holder: TestWorkspace;
  hub: Hub;
  attach(): Promise<{ ws: AttachedWorkspace; pipe: Pipe }>;
}

async function setup(): Promise<Setup> {
  const holder = await makeTestWorkspace({
    providerUrl: suite.fake.url,
    options: { interactive: true },
  });
  opened.push({ close: () => holder.cleanup() });
  const created = await holder.ws.sessions.create('shared');
  await created.close();
  const hub = new Hub(holder.ws, { version: 'test', approvalTimeoutMs: 60_000, log: () => undefined });
  opened.push({ close: () => hub.close() });
  return {
    holder,
    hub,
    attach: async () => {
      // This terminal's own workspace: the same store, another "process".
      const local = await makeTestWorkspace({ providerUrl: suite.fake.url, root: holder.root });
      opened.push({ close: () => local.ws.close() });
      const connection = pipe(hub);
      const ws = await AttachedWorkspace.connect(local.ws, connection.channel, HOLDER, {
        onListenerError: (error) => {
          throw error;
        },
      });
      opened.push({ close: () => ws.close() });
      return { ws, pipe: connection };
    },
  };
}

function texts(records: readonly SessionRecord[]): string[] {
  return records.flatMap((r) =>
    r.kind === 'message' && r.role !== 'system' ? [`${r.role}: ${r.content}`] : [],
  );
}

/** Waits until `handle` shows `count` conversation messages (its snapshot follows events). */
async function until(ws: AttachedWorkspace, handle: SessionHandle, check: () => boolean): Promise<void> {
  while (!check()) await next(ws, 'session.recordsChanged', (e) => e.sessionId === handle.id);
}

// Several workspaces and model turns each: room for a loaded machine.
describe('octo attach: a workspace whose sessions another process holds', { timeout: 60_000 }, () => {
  it('lets two attached terminals write one session and shows each the other’s turn', async () => {
    const s = await setup();
    const one = await s.attach();
    const two = await s.attach();
    const h1 = await one.ws.sessions.open('shared');
    const h2 = await two.ws.sessions.open('shared');
    expect(h1.readOnly).toBe(false);
    expect(h1.holder).toMatchObject({ pid: process.pid, host: 'here' });
    expect(h1.snapshot().sessionId).toBe(h2.snapshot().sessionId);

    const seenByTwo: Array<OctoEvents['turn.delta']> = [];
    two.ws.on('turn.delta', (e) => seenByTwo.push(e));
    suite.fake.enqueue({ text: ['reply ', 'one'] });
    const outcome = await h1.submit('hello from one');
    expect(outcome).toMatchObject({ status: 'finished', reply: 'reply one' });
    await until(two.ws, h2, () => texts(h2.records()).length === 2);
    expect(texts(h2.records())).toEqual(['user: hello from one', 'assistant: reply one']);
    expect(seenByTwo.map((e) => e.text).join('')).toBe('reply one');

    suite.fake.enqueue({ text: 'reply two' });
    const second = await h2.submit('hello from two');
    expect(second).toMatchObject({ status: 'finished', reply: 'reply two' });
    await until(one.ws, h1, () => texts(h1.records()).length === 4);
    const expected = [
      'user: hello from one',
      'assistant: reply one',
      'user: hello from two',
      'assistant: reply two',
    ];
    expect(texts(h1.records())).toEqual(expected);
    // What both show is what the holder wrote, record for record.
    const held = await s.holder.ws.sessions.show('shared');
    expect(h1.records()).toEqual(held.records);
    expect(h2.records()).toEqual(held.records);
    expect(h1.snapshot().version).toBe(h2.snapshot().version);
    expect(h2.isBusy()).toBe(false);
    expect(h1.summary().messageCount).toBe(held.summary.messageCount);
  });

  it('runs slash commands in the holder and hands back their typed results', async () => {
    const s = await setup();
    const one = await s.attach();
    const handle = await one.ws.sessions.open('shared');
    const info = await handle.command('/info');
    expect(info).toMatchObject({ type: 'info', info: { name: 'shared' } });
    const unknown = await handle.command('/nosuchthing');
    expect(unknown).toMatchObject({ type: 'message', level: 'error' });
    expect(unknown.type === 'message' && unknown.text).toContain('nosuchthing');
  });

  it('asks every attached terminal about a tool call; the first answer wins and settles it for all', async () => {
    const s = await setup();
    const one = await s.attach();
    const two = await s.attach();
    const h1 = await one.ws.sessions.open('shared');
    await two.ws.sessions.open('shared');
    suite.fake.enqueue(
      { toolCalls: [{ id: 'w1', name: 'write_file', arguments: '{"path":"out.txt","content":"hi"}' }] },
      { text: 'Written.' },
    );
    const askedOne = next(one.ws, 'approval.requested');
    const askedTwo = next(two.ws, 'approval.requested');
    const settledOne = next(one.ws, 'approval.settled');
    const turn = h1.submit('write it');
    const [question, sameQuestion] = await Promise.all([askedOne, askedTwo]);
    expect(question).toMatchObject({ kind: 'tool', tool: 'write_file', sessionId: h1.id });
    expect(sameQuestion.requestId).toBe(question.requestId);
    expect(two.ws.approvals.pending().map((q) => q.requestId)).toContain(question.requestId);
    expect(two.ws.approvals.answer(question.requestId, 'once')).toBe(true);
    expect(await settledOne).toMatchObject({ requestId: question.requestId, answer: 'once' });
    expect(await turn).toMatchObject({ status: 'finished', reply: 'Written.' });
    expect(await readFile(path.join(s.holder.projectDir, 'out.txt'), 'utf8')).toBe('hi');
    expect(one.ws.approvals.pending()).toEqual([]);
  });

  it('takes the holder’s snapshot again when a change went missing, and ends up the same', async () => {
    const s = await setup();
    const one = await s.attach();
    const handle = await one.ws.sessions.open('shared');
    const kinds: string[] = [];
    one.ws.on('session.recordsChanged', (e) => kinds.push(e.change.kind));
    one.pipe.drop((f) => f.type === 'event' && f.name === 'session.recordsChanged');
    suite.fake.enqueue({ text: 'first' }, { text: 'second' });
    await handle.submit('one');
    await handle.submit('two');
    await until(one.ws, handle, () => texts(handle.records()).length === 4);
    const held = await s.holder.ws.sessions.show('shared');
    expect(handle.records()).toEqual(held.records);
    // The gap was noticed and the whole history read again, once.
    expect(kinds.filter((k) => k === 'replaced')).toHaveLength(1);
  });

  it('opens here a session the holder cannot serve: read-only, naming the process that writes it', async () => {
    const s = await setup();
    // Another terminal (not a server) writes this one.
    const other = await makeTestWorkspace({ providerUrl: suite.fake.url, root: s.holder.root });
    opened.push({ close: () => other.ws.close() });
    const writer = await other.ws.sessions.create('private');
    expect(writer.readOnly).toBe(false);
    const one = await s.attach();
    const view = await one.ws.sessions.open('private');
    expect(view.readOnly).toBe(true);
    expect(view.holder?.pid).toBe(process.pid);
    expect(await view.submit('may I?')).toMatchObject({
      status: 'failed',
      error: { code: 'session_locked' },
    });
  });

  it('says so when the holder goes away, and refuses to send into the void', async () => {
    const s = await setup();
    const one = await s.attach();
    const handle = await one.ws.sessions.open('shared');
    const warned = next(one.ws, 'store.warning');
    const detached = next(one.ws, 'session.detached');
    expect(handle.readOnly).toBe(false);
    one.pipe.cut('the server stopped');
    expect(await detached).toEqual({ sessionId: handle.id, reason: 'the server stopped' });
    expect(handle.readOnly).toBe(true);
    expect(handle.snapshot().readOnly).toBe(true);
    const { warning } = await warned;
    expect(warning).toMatchObject({ kind: 'storeIssue', path: HOLDER.label });
    expect(warning.kind === 'storeIssue' && warning.message).toContain('shared');
    const failed = next(one.ws, 'turn.failed');
    expect(await handle.submit('anyone?')).toMatchObject({
      status: 'failed',
      error: { code: 'holder_gone' },
    });
    expect(await failed).toMatchObject({ sessionId: handle.id, code: 'holder_gone' });
    expect(one.ws.serves(handle.id)).toBe(false);
  });

  it('refuses a holder that does not speak the protocol', async () => {
    const s = await setup();
    const local = await makeTestWorkspace({ providerUrl: suite.fake.url, root: s.holder.root });
    opened.push({ close: () => local.ws.close() });
    const silent: FrameChannel = {
      send: () => undefined,
      onFrame: (listener) => {
        setImmediate(() => listener({ type: 'hello', protocol: 99, server: 'octo' }));
        return () => undefined;
      },
      onClose: () => () => undefined,
      close: () => undefined,
    };
    await expect(
      AttachedWorkspace.connect(local.ws, silent, HOLDER, { onListenerError: () => undefined }),
    ).rejects.toSatisfy((e: unknown) => e instanceof OctoError && /protocol 99/.test(e.message));
  });
});
