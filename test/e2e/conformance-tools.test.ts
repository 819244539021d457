/**
 * Provider conformance, tool calls and local servers: OpenAI, Qwen (Alibaba), Ollama, LM Studio,
 * vLLM and llama.cpp recordings replayed through the real binary (sources: test/fixtures/providers/README.md).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recording } from '../support/recordings.js';
import { dollars, RUNS_TIMEOUT_MS, useReplays } from './conformance-support.js';

const replays = useReplays();

describe('OpenAI', () => {
  it(
    'runs parallel tool calls in index order, sends both results back, and bills usage from the last chunk',
    async () => {
      const r = await replays.open({ model: 'openai:gpt-4o', keyEnv: 'OPENAI_API_KEY' });
      await writeFile(path.join(r.home.projectDir, 'a.txt'), 'alpha\n');
      await writeFile(path.join(r.home.projectDir, 'b.txt'), 'beta\n');
      const turn = await r.turn(
        'par',
        'Read a.txt and b.txt.',
        [recording('openai/gpt-4o-parallel-tool-calls.sse'), recording('openai/gpt-4o-text-usage-last.sse')],
        ['--json'],
      );

      expect(turn.code, turn.stderr).toBe(0);
      expect(turn.json).toMatchObject({
        status: 'finished',
        finishReason: 'stop',
        reply: '{"city":"San Francisco","units":"c"}',
        usage: { input: 412 + 17, output: 52 + 10, cacheRead: 384, cacheWrite: 0, reasoning: 0 },
        toolCalls: [
          {
            id: 'call_8dX5YqOtbNXOqbN5tq0xXs3U',
            name: 'read_file',
            arguments: '{"path": "a.txt"}',
            ok: true,
          },
          {
            id: 'call_ZpQv3pRk1JmK2dnb8Xe4GhYw',
            name: 'read_file',
            arguments: '{"path": "b.txt"}',
            ok: true,
          },
        ],
      });
      // gpt-4o list prices: $2.50 in, $10 out, $1.25 cached, per million.
      const expected = dollars(28 + 17, 2.5) + dollars(384, 1.25) + dollars(52 + 10, 10);
      expect(turn.json?.cost).toBeCloseTo(expected, 12);
      // The request asked for usage in the last chunk.
      expect(r.fake.requests.at(-2)?.body.stream_options).toEqual({ include_usage: true });

      const sent = r.sent(-1);
      expect(sent.slice(2).map((m) => [m.role, m.tool_call_id ?? null])).toEqual([
        ['assistant', null],
        ['tool', 'call_8dX5YqOtbNXOqbN5tq0xXs3U'],
        ['tool', 'call_ZpQv3pRk1JmK2dnb8Xe4GhYw'],
      ]);
      expect(sent[3]?.content).toContain('alpha');
      expect(sent[4]?.content).toContain('beta');
    },
    RUNS_TIMEOUT_MS,
  );

  it(
    'shows a refusal as the reply',
    async () => {
      const r = await replays.open({ model: 'openai:gpt-4o', keyEnv: 'OPENAI_API_KEY' });
      const turn = await r.turn('no', 'Something refused.', [recording('openai/gpt-4o-refusal.sse')]);
      expect(turn.code, turn.stderr).toBe(0);
      expect(turn.stdout).toBe("I'm very sorry, but I can't assist with that request.\n");
    },
    RUNS_TIMEOUT_MS,
  );
});

describe('Qwen (Alibaba DashScope)', () => {
  it(
    'joins a tool call whose continuations carry an empty id, as one call',
    async () => {
      const r = await replays.open({
        model: 'dashscope:qwen3-max',
        providerKeys: 'api_key_env = "DASHSCOPE_API_KEY"',
        keyEnv: 'DASHSCOPE_API_KEY',
      });
      const turn = await r.turn('qwen', 'Weather in San Francisco?', [
        recording('alibaba/qwen3-max-tool-call.sse'),
        recording('alibaba/qwen3-max-text.sse'),
      ]);

      expect(turn.code, turn.stderr).toBe(0);
      expect(turn.stdout).toMatch(/^## The Festival of Shared Stories: "Taleweave Day"\n/);
      expect(r.sent(-1)[2]?.tool_calls).toEqual([
        {
          id: 'call_eee11723464a4b9eb8cee71d',
          type: 'function',
          function: { name: 'weather', arguments: '{"location": "San Francisco"}' },
        },
      ]);
      const [call] = await r.replies('qwen');
      expect(call).toMatchObject({ finishReason: 'tool_calls', usage: { input: 295, output: 22 } });
    },
    RUNS_TIMEOUT_MS,
  );
});

describe('Ollama', () => {
  it(
    'takes a tool call and its finish from one chunk, and a stream without usage or [DONE]: usage unknown, cost $0',
    async () => {
      const r = await replays.open({ model: 'ollama:llama3-groq-tool-use:8b' });
      const turn = await r.turn(
        'local',
        'Add 10 and 11 with function_1.',
        [recording('ollama/tool-call-and-finish-in-one-chunk.sse'), recording('ollama/text-no-usage.sse')],
        ['--json'],
      );

      expect(turn.code, turn.stderr).toBe(0);
      expect(turn.json).toMatchObject({
        status: 'finished',
        finishReason: 'stop',
        reply: 'function_1 returned 21 for a=10 and b=11.',
        // Never zeros standing in for what Ollama did not say; a local model costs nothing.
        usage: null,
        cost: 0,
        toolCalls: [{ id: 'call_ejieksiz', name: 'function_1', arguments: '{"a":10,"b":11}' }],
      });
      const replies = await r.replies('local');
      expect(replies.map((m) => [m.usage, m.cost, m.finishReason])).toEqual([
        [null, 0, 'tool_calls'],
        [null, 0, 'stop'],
      ]);
      const stored = await r.stored('local');
      expect(stored.session.tokensIncomplete).toBe(true);
      const shown = await r.shown('local');
      // No request reported usage: the session's tokens are unknown, not "0 in / 0 out".
      expect(shown).toContain('  tokens    usage unknown (no request reported usage)\n');
      expect(shown).not.toContain('0 in / 0 out');
      expect(shown).toContain('usage unknown · $0.0000');

      const plain = await r.turn('local', 'Again.', [recording('ollama/text-no-usage.sse')]);
      expect(plain.stderr).toBe('[local · finished · usage unknown · $0.0000]\n');
    },
    RUNS_TIMEOUT_MS,
  );
});

describe('LM Studio', () => {
  it(
    'prints every step’s text and gives the same whole text as --json reply',
    async () => {
      const r = await replays.open({ model: 'lmstudio:qwen/qwen3.6-35b-a3b' });
      await writeFile(path.join(r.home.projectDir, 'notes.md'), 'notes\n');
      const printed = await r.turn('lms', 'What is here?', [
        recording('lmstudio/tool-call-whole-arguments.sse'),
        recording('lmstudio/answer.sse'),
      ]);
      const json = await r.turn(
        'lms2',
        'What is here?',
        [recording('lmstudio/tool-call-whole-arguments.sse'), recording('lmstudio/answer.sse')],
        ['--json'],
      );

      expect(printed.code, printed.stderr).toBe(0);
      expect(printed.stdout).toBe('Let me look.\nThere is one file, notes.md.\n');
      expect(json.json?.reply).toBe('Let me look.\nThere is one file, notes.md.');
      expect(json.json?.toolCalls).toMatchObject([
        { id: '540138127', name: 'list_dir', arguments: '{"path":"."}', ok: true },
      ]);
    },
    RUNS_TIMEOUT_MS,
  );
});

describe('vLLM', () => {
  it(
    'reads `reasoning` deltas and a tool call opened by name, and sends the reasoning nowhere',
    async () => {
      const r = await replays.open({ model: 'vllm:Qwen/Qwen3-8B' });
      await writeFile(path.join(r.home.projectDir, 'notes.md'), 'notes\n');
      const turn = await r.turn(
        'vllm',
        'List the project.',
        [recording('vllm/reasoning-tool-call.sse'), recording('vllm/answer.sse')],
        ['--json'],
      );

      expect(turn.code, turn.stderr).toBe(0);
      // No price is known for a self-hosted model: unknown, never $0.
      expect(turn.json).toMatchObject({ reply: 'The project holds notes.md.', cost: null });
      const [call] = await r.replies('vllm');
      expect(call).toMatchObject({
        reasoning: 'The user wants the file list, so I call list_dir.',
        reasoningSource: 'reasoning',
        toolCalls: [{ id: 'chatcmpl-tool-9f149c74c42f265b', name: 'list_dir', arguments: '{"path": "."}' }],
      });
      expect(r.sent(-1)[2]).toEqual({
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'chatcmpl-tool-9f149c74c42f265b',
            type: 'function',
            function: { name: 'list_dir', arguments: '{"path": "."}' },
          },
        ],
      });
    },
    RUNS_TIMEOUT_MS,
  );
});

describe('llama.cpp server', () => {
  it(
    'reads reasoning_content among timings, and sends no reasoning back on a reply without tool calls',
    async () => {
      const r = await replays.open({ model: 'llamacpp:gemma-4-31B-it-UD-Q6_K_XL.gguf' });
      const turn = await r.turn('llama', 'How does the server work?', [
        recording('llamacpp/reasoning-content-timings.sse'),
      ]);

      expect(turn.code, turn.stderr).toBe(0);
      expect(turn.stdout).toBe('It reads the request, runs the model and streams tokens back.\n');
      const [reply] = await r.replies('llama');
      expect(reply).toMatchObject({
        reasoning: 'The user asks how the server it handles a request.',
        reasoningSource: 'reasoning_content',
        usage: { input: 17, output: 41 },
        finishReason: 'stop',
      });
      await r.turn('llama', 'Thanks.', [recording('llamacpp/reasoning-content-timings.sse')]);
      expect(r.sent(-1)[2]).toEqual({
        role: 'assistant',
        content: 'It reads the request, runs the model and streams tokens back.',
      });
    },
    RUNS_TIMEOUT_MS,
  );
});
