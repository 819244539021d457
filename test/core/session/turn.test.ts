import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OctoEventName, OctoEvents } from '../../../src/core/events.js';
import type { MessageRecord, SessionRecord } from '../../../src/core/store/records.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';

const suite = useScriptedSuite();

const messages = (records: readonly SessionRecord[]): MessageRecord[] =>
  records.filter((r): r is MessageRecord => r.kind === 'message');

function collect<K extends OctoEventName>(t: TestWorkspace, name: K): Array<OctoEvents[K]> {
  const seen: Array<OctoEvents[K]> = [];
  t.ws.on(name, (payload) => seen.push(payload));
  return seen;
}

async function workspace(extraConfig = '', env: Record<string, string> = {}): Promise<TestWorkspace> {
  suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, extraConfig, env });
  return suite.tw;
}

describe('the turn loop', () => {
  it('runs user → tool call → tool result → reply and records usage and cost per request', async () => {
    const t = await workspace();
    await writeFile(path.join(t.projectDir, 'notes.md'), 'the token expires after 15 minutes\n');
    suite.fake.enqueue(
      {
        toolCalls: [{ id: 'call_1', name: 'read_file', arguments: '{"path":"notes.md"}', splitInto: 3 }],
        usage: { prompt: 100, completion: 20 },
      },
      {
        text: ['Tokens ', 'expire after ', '15 minutes.'],
        usage: { prompt: 150, completion: 10, cached: 100 },
      },
    );
    const handle = await t.ws.sessions.open('auth-refactor', { create: true });
    const deltas = collect(t, 'turn.delta');
    const outcome = await handle.submit('How long do tokens live?');

    expect(outcome).toMatchObject({ status: 'finished', reply: 'Tokens expire after 15 minutes.' });
    expect(deltas.map((d) => d.text).join('')).toBe('Tokens expire after 15 minutes.');
    const stored = messages(handle.records()).map((m) => ({
      role: m.role,
      content: m.content,
      cost: m.cost,
    }));
    expect(stored).toEqual([
      { role: 'user', content: 'How long do tokens live?', cost: undefined },
      { role: 'assistant', content: '', cost: (100 * 1 + 20 * 2) / 1e6 },
      { role: 'tool', content: 'the token expires after 15 minutes\n', cost: undefined },
      {
        role: 'assistant',
        content: 'Tokens expire after 15 minutes.',
        cost: (50 * 1 + 100 * 0.5 + 10 * 2) / 1e6,
      },
    ]);
    const second = suite.fake.requests[1]?.body as {
      messages: Array<{ role: string; tool_call_id?: string }>;
    };
    expect(second.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(second.messages[3]?.tool_call_id).toBe('call_1');

    const summary = (await t.ws.sessions.find('auth-refactor'))!;
    expect(summary).toMatchObject({
      messageCount: 4,
      tokens: { input: 250, output: 30, cacheRead: 100, cacheWrite: 0, reasoning: 0 },
      projectDir: t.projectDir,
      model: 'test:fake-model',
    });
    expect(summary.cost).toBeCloseTo(0.00026, 10);
  });

  it('writes the user message before the request is sent (invariant 1 in docs/architecture.md)', async () => {
    const t = await workspace();
    const handle = await t.ws.sessions.open('wal', { create: true });
    let onDisk: string[] = [];
    suite.fake.enqueue(async () => {
      const { records } = await t.ws.sessions.show('wal');
      onDisk = messages(records).map((m) => m.content);
      return { text: 'ok' };
    });
    await handle.submit('remember this');
    expect(onDisk).toEqual(['remember this']);
  });

  it('sends the whole history after a restart, identical to what it sent before (invariant 5 in docs/architecture.md)', async () => {
    const t = await workspace();
    suite.fake.enqueue(
      { toolCalls: [{ id: 'c1', name: 'list_dir', arguments: '{}' }] },
      { text: 'Empty project.' },
      { text: 'Second answer.' },
    );
    const first = await t.ws.sessions.open('day1', { create: true });
    await first.submit('What is here?');
    const before = suite.fake.requests.length;
    const again = await t.reopen();
    suite.tw = again;
    const resumed = await again.ws.sessions.open('day1');
    await resumed.submit('And now?');
    const sent = suite.fake.requests[before]?.body as { messages: unknown[] };
    const earlier = suite.fake.requests[before - 1]?.body as { messages: unknown[] };
    expect(sent.messages.slice(0, earlier.messages.length)).toEqual(earlier.messages);
    expect(sent.messages.slice(earlier.messages.length)).toEqual([
      { role: 'assistant', content: 'Empty project.' },
      { role: 'user', content: 'And now?' },
    ]);
  });

  it('answers a call with invalid JSON arguments with an error and keeps the pairing (docs/faults.md row 17)', async () => {
    const t = await workspace();
    suite.fake.enqueue(
      { toolCalls: [{ id: 'bad', name: 'read_file', arguments: '{"path": ' }] },
      { text: 'Sorry.' },
    );
    const handle = await t.ws.sessions.open('badjson', { create: true });
    await handle.submit('read it');
    const tool = messages(handle.records()).find((m) => m.role === 'tool');
    expect(tool).toMatchObject({ toolCallId: 'bad', toolName: 'read_file' });
    expect(tool?.content).toMatch(/^Error: Not executed: the arguments are not valid JSON/);
  });

  it('gives a dangling tool call a synthetic interrupted result on resume (docs/faults.md row 18)', async () => {
    const t = await workspace();
    // The model asks for a tool, then the process "dies" before the result: simulate with a stalled second step
    // is not needed; write the records as a crash would have left them.
    suite.fake.enqueue({ toolCalls: [{ id: 'c9', name: 'list_dir', arguments: '{}' }] }, { text: 'done' });
    const handle = await t.ws.sessions.open('crash', { create: true });
    await handle.submit('list');
    const file = path.join(t.dataDir, 'sessions', `${handle.id}.db`);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    // Keep everything up to the assistant tool call: the result and the reply were never written.
    const cut = lines.findIndex((l) => l.includes('"role":"tool"'));
    await t.ws.close();
    await writeFile(file, `${lines.slice(0, cut).join('\n')}\n`);
    const again = await t.reopen();
    suite.tw = again;
    const resumed = await again.ws.sessions.open('crash');
    const repaired = messages(resumed.records()).at(-1);
    expect(repaired).toMatchObject({ role: 'tool', toolCallId: 'c9', interrupted: true, synthetic: true });
    const onDisk = await readFile(file, 'utf8');
    expect(onDisk).toContain('"synthetic":true');
  });

  it('keeps a streamed partial reply, marked interrupted, when the user cancels (docs/faults.md row 24)', async () => {
    const t = await workspace();
    suite.fake.enqueue({ text: ['Part one. ', 'Part two.'], stallAfter: 1 });
    const handle = await t.ws.sessions.open('cancel', { create: true });
    t.ws.on('turn.delta', () => handle.interrupt());
    const outcome = await handle.submit('long answer please');
    expect(outcome.status).toBe('interrupted');
    const last = messages(handle.records()).at(-1);
    expect(last).toMatchObject({ role: 'assistant', content: 'Part one. ', interrupted: true });
  });

  it('says a turn was stopped by the session closing, not cancelled by the user', async () => {
    const t = await workspace();
    suite.fake.enqueue({ text: ['Part one. ', 'Part two.'], stallAfter: 1 });
    const handle = await t.ws.sessions.open('closing', { create: true });
    const ends = collect(t, 'turn.interrupted');
    const first = new Promise<void>((resolve) => t.ws.on('turn.delta', () => resolve()));
    const turn = handle.submit('long answer please');
    await first;
    await handle.close();
    expect((await turn).status).toBe('interrupted');
    expect(ends.map((e) => e.reason)).toEqual(['closed']);
    // Reopened, a cancel by the user is still a cancel.
    const again = await t.ws.sessions.open('closing');
    t.ws.on('turn.delta', () => again.interrupt());
    suite.fake.enqueue({ text: ['More. ', 'Still more.'], stallAfter: 1 });
    expect((await again.submit('and again')).status).toBe('interrupted');
    expect(ends.map((e) => e.reason)).toEqual(['closed', 'user']);
  });

  it('redacts an API key read by a tool from everything stored (docs/faults.md row 28)', async () => {
    const key = 'sk-live-abcdefghijklmnopqrstuvwxyz0123456789';
    const t = await workspace('', { STRIPE_SECRET_KEY: key });
    await writeFile(path.join(t.projectDir, '.env'), `STRIPE_SECRET_KEY=${key}\n`);
    suite.fake.enqueue(
      { toolCalls: [{ id: 'c', name: 'read_file', arguments: '{"path":".env"}' }] },
      { text: 'Found it.' },
    );
    const handle = await t.ws.sessions.open('secrets', { create: true });
    await handle.submit('cat .env');
    await t.ws.close();
    const files = await readdir(t.dataDir, { recursive: true });
    for (const file of files) {
      const full = path.join(t.dataDir, file);
      const content = await readFile(full).catch(() => Buffer.alloc(0));
      expect(content.includes(key), `${file} holds the key`).toBe(false);
    }
    const request = JSON.stringify(suite.fake.requests.at(-1)?.body);
    expect(request).not.toContain(key);
    expect(request).toContain('[redacted:STRIPE_SECRET_KEY]');
  });

  it('stops before the next model call when the session spending limit is reached', async () => {
    const t = await workspace('[limits]\nmax_session_spending = 0.0001');
    suite.fake.enqueue({
      toolCalls: [{ id: 'c', name: 'list_dir', arguments: '{}' }],
      usage: { prompt: 100000, completion: 10 },
    });
    const handle = await t.ws.sessions.open('budget', { create: true });
    const exceeded = collect(t, 'budget.exceeded');
    const requestsBefore = suite.fake.requests.length;
    const outcome = await handle.submit('go');
    expect(outcome.status).toBe('failed');
    expect(outcome.error?.code).toBe('budget_exceeded');
    expect(suite.fake.requests.length - requestsBefore).toBe(1);
    expect(exceeded).toHaveLength(1);
    expect(messages(handle.records()).map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
  });

  it('records a model switch as a command record', async () => {
    const t = await workspace();
    const handle = await t.ws.sessions.open('switch', { create: true });
    const result = await handle.command('/model test:other-model');
    expect(result).toEqual({ type: 'modelChanged', model: 'test:other-model', previous: 'test:fake-model' });
    expect(handle.records().at(-1)).toMatchObject({
      kind: 'command',
      command: 'model',
      model: 'test:other-model',
    });
    expect((await t.ws.sessions.find('switch'))?.model).toBe('test:other-model');
    expect(await handle.command('/bogus')).toMatchObject({ type: 'unknown', name: 'bogus' });
  });
});

describe('sessions', () => {
  it('refuses to resume an unknown name, naming the closest, and creates nothing (docs/faults.md row 7)', async () => {
    const t = await workspace();
    await (await t.ws.sessions.open('auth-refactor', { create: true })).close();
    const before = await readdir(path.join(t.dataDir, 'sessions'));
    await expect(t.ws.sessions.open('auth-refactr')).rejects.toMatchObject({
      code: 'session_not_found',
      details: { name: 'auth-refactr', closest: ['auth-refactor'] },
    });
    expect(await readdir(path.join(t.dataDir, 'sessions'))).toEqual(before);
  });

  it('orders "most recent" by the store, not the clock, when the clock jumps back (docs/faults.md row 26)', async () => {
    let now = Date.parse('2026-11-23T12:00:00Z');
    suite.tw = await makeTestWorkspace({
      providerUrl: suite.fake.url,
      clock: { now: () => (now -= 60_000) },
    });
    const t = suite.tw;
    suite.fake.enqueue({ text: 'a' }, { text: 'b' });
    const a = await t.ws.sessions.open('first', { create: true });
    const b = await t.ws.sessions.open('second', { create: true });
    await b.submit('hello b');
    await a.submit('hello a');
    expect((await t.ws.sessions.mostRecent(t.ws.project.id))?.name).toBe('first');
    const seqs = a.records().map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  });

  it('renames, trashes and restores', async () => {
    const t = await workspace();
    await t.ws.sessions.open('old-name', { create: true });
    await t.ws.sessions.rename('old-name', 'new-name');
    expect((await t.ws.sessions.list()).map((s) => s.name)).toEqual(['new-name']);
    await t.ws.sessions.trash('new-name');
    expect(await t.ws.sessions.list()).toEqual([]);
    await t.ws.sessions.restore('new-name');
    expect((await t.ws.sessions.find('new-name'))?.trashedAt).toBeNull();
  });
});
