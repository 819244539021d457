import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SessionRecord, SessionSummary } from '../../src/core/store/records.js';
import { useOctoHome } from './support.js';
import { usage } from '../support/seed-session.js';

interface SentMessage {
  role: string;
  content: unknown;
  tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
}

interface TurnJson {
  session: { id: string; name: string; projectDir: string };
  status: string;
  reply: string;
  usage: Record<string, number>;
  cost: number | null;
  model: string;
  toolCalls: Array<{ id: string; name: string; arguments: string; ok: boolean | null; size: number | null }>;
}

const e2e = useOctoHome();
beforeEach(async () => {
  await writeFile(path.join(e2e.home.projectDir, 'notes.md'), 'the token expires after 15 minutes\n');
});

const sentMessages = (index: number): SentMessage[] =>
  (e2e.fake.requests[index]?.body as { messages: SentMessage[] }).messages;
const price = (input: number, output: number): number => (input * 1 + output * 2) / 1e6;

describe('a named session over two days', () => {
  it('resumes with the whole first exchange, tool call and result included, and keeps usage and cost', async () => {
    const first = e2e.fake.requests.length;
    e2e.fake.enqueue(
      {
        toolCalls: [{ id: 'call_1', name: 'read_file', arguments: '{"path":"notes.md"}' }],
        usage: { prompt: 100, completion: 20 },
      },
      { text: ['Tokens ', 'expire after ', '15 minutes.'], usage: { prompt: 150, completion: 10 } },
    );
    const day1 = await e2e.home.run(['run', '--name', 'auth-refactor', '-p', 'How long do tokens live?']);
    expect(day1.stdout).toBe('Tokens expire after 15 minutes.\n');
    expect(day1.stderr).toContain('· read_file {"path":"notes.md"}');
    expect(day1.code).toBe(0);

    e2e.fake.enqueue({ text: 'Add a refresh token.', usage: { prompt: 300, completion: 5 } });
    const day2 = await e2e.home.run(['run', '--resume', 'auth-refactor', '-p', 'What should we change?']);
    expect(day2).toMatchObject({ code: 0, stdout: 'Add a refresh token.\n' });

    const sent = sentMessages(first + 2);
    expect(sent.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'assistant', 'user']);
    expect(sent[2]?.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"notes.md"}' } },
    ]);
    expect(sent.slice(3)).toEqual([
      { role: 'tool', tool_call_id: 'call_1', content: 'the token expires after 15 minutes\n' },
      { role: 'assistant', content: 'Tokens expire after 15 minutes.' },
      { role: 'user', content: 'What should we change?' },
    ]);
    // Invariant 5 (docs/architecture.md): day 2 starts from exactly what day 1 last sent.
    expect(sent.slice(0, 4)).toEqual(sentMessages(first + 1));

    const show = await e2e.home.run(['sessions', 'show', 'auth-refactor', '--json']);
    expect(show.code).toBe(0);
    const history = JSON.parse(show.stdout) as { session: SessionSummary; records: SessionRecord[] };
    const messages = history.records.flatMap((r) =>
      r.kind === 'message' ? [{ role: r.role, content: r.content, usage: r.usage, cost: r.cost }] : [],
    );
    expect(messages).toEqual([
      { role: 'user', content: 'How long do tokens live?', usage: undefined, cost: undefined },
      { role: 'assistant', content: '', usage: usage(100, 20), cost: price(100, 20) },
      { role: 'tool', content: 'the token expires after 15 minutes\n', usage: undefined, cost: undefined },
      {
        role: 'assistant',
        content: 'Tokens expire after 15 minutes.',
        usage: usage(150, 10),
        cost: price(150, 10),
      },
      { role: 'user', content: 'What should we change?', usage: undefined, cost: undefined },
      { role: 'assistant', content: 'Add a refresh token.', usage: usage(300, 5), cost: price(300, 5) },
    ]);
    expect(
      history.records.find((r) => r.kind === 'message' && r.role === 'assistant' && r.toolCalls),
    ).toMatchObject({
      toolCalls: [{ id: 'call_1', name: 'read_file', arguments: '{"path":"notes.md"}' }],
    });

    const list = await e2e.home.run(['sessions', 'list', '--json']);
    const sessions = JSON.parse(list.stdout) as SessionSummary[];
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      name: 'auth-refactor',
      projectDir: e2e.home.projectDir,
      model: 'test:fake-model',
      messageCount: 6,
      tokens: usage(550, 35),
      costIncomplete: false,
      trashedAt: null,
    });
    expect(sessions[0]?.cost).toBeCloseTo(price(550, 35), 12);
  });

  it('prints one JSON result for -p --json, with this turn’s usage, cost and tool calls', async () => {
    e2e.fake.enqueue(
      {
        toolCalls: [{ id: 'call_9', name: 'list_dir', arguments: '{"path":"."}' }],
        usage: { prompt: 10, completion: 2 },
      },
      { text: 'One file: notes.md', usage: { prompt: 20, completion: 4 } },
    );
    const result = await e2e.home.run(['run', '--name', 'scripted', '-p', 'What is here?', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const parsed = JSON.parse(result.stdout) as TurnJson;
    expect(parsed.session.id).toMatch(/\S/);
    expect(parsed.cost).toBeCloseTo(price(30, 6), 12);
    expect(parsed.toolCalls[0]?.size).toBeGreaterThan(0);
    expect({
      ...parsed,
      cost: 'checked',
      session: { ...parsed.session, id: 'checked' },
      toolCalls: parsed.toolCalls.map((call) => ({ ...call, size: 'checked' })),
    }).toEqual({
      session: { id: 'checked', name: 'scripted', projectDir: e2e.home.projectDir },
      status: 'finished',
      finishReason: 'stop',
      reply: 'One file: notes.md',
      usage: { input: 30, output: 6, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      cost: 'checked',
      model: 'test:fake-model',
      toolCalls: [{ id: 'call_9', name: 'list_dir', arguments: '{"path":"."}', ok: true, size: 'checked' }],
      catchUp: null,
    });
  });

  it('takes the prompt from stdin when -p is absent and gives the new session a name to resume', async () => {
    e2e.fake.enqueue({ text: 'Piped answer.' });
    const result = await e2e.home.run(['run'], { input: 'question from a pipe\n' });
    expect(result).toMatchObject({ code: 0, stdout: 'Piped answer.\n' });
    const sent = sentMessages(e2e.fake.requests.length - 1);
    expect(sent.at(-1)).toEqual({ role: 'user', content: 'question from a pipe\n' });
    const [session] = JSON.parse(
      (await e2e.home.run(['sessions', 'list', '--json'])).stdout,
    ) as SessionSummary[];
    expect(result.stderr).toContain(`[${session?.name} · finished`);
  });
});
