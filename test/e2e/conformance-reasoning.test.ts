/**
 * Provider conformance, reasoning providers: recorded streams of DeepSeek, OpenRouter, Mistral, Groq
 * and xAI replayed through the real binary. Each test checks what octo showed, what it stored and
 * what it sent back on the next request (sources of the recordings: test/fixtures/providers/README.md).
 */
import { describe, expect, it } from 'vitest';
import type { FakeRequest, FakeStep } from '../support/fake-provider.js';
import { recording } from '../support/recordings.js';
import { dollars, KEY, RUNS_TIMEOUT_MS, useReplays, type SentMessage } from './conformance-support.js';

const replays = useReplays();

/** DeepSeek's own check (its docs): a tool-call message sent back without its reasoning_content is refused. */
function asDeepSeek(answer: FakeStep): (request: FakeRequest) => FakeStep {
  return (request) => {
    const messages = (request.body as { messages: SentMessage[] }).messages;
    const bare = messages.some(
      (m) => m.role === 'assistant' && (m.tool_calls ?? []).length > 0 && m.reasoning_content === undefined,
    );
    if (!bare) return answer;
    return {
      status: 400,
      body: {
        error: {
          message: 'The reasoning_content in the thinking mode must be passed back to the API.',
          type: 'invalid_request_error',
        },
      },
    };
  };
}

const DEEPSEEK_THOUGHT =
  'The user is asking for the weather in San Francisco. I need to use the weather tool to get this information. Let me invoke the weather tool with the location parameter set to "San Francisco".';

describe('DeepSeek (deepseek-reasoner, thinking mode with tools)', () => {
  it(
    'sends reasoning_content back on the tool-call message of every later request, and bills the recorded usage',
    async () => {
      const r = await replays.open({ model: 'deepseek:deepseek-reasoner', keyEnv: 'DEEPSEEK_API_KEY' });
      const turn = await r.turn(
        'ds',
        'What is the weather in San Francisco?',
        [recording('deepseek/reasoner-tool-call.sse'), asDeepSeek(recording('deepseek/reasoner-answer.sse'))],
        ['--json'],
      );

      expect(turn.code, turn.stderr).toBe(0);
      expect(turn.stderr).toBe('');
      expect(turn.json).toMatchObject({
        status: 'finished',
        finishReason: 'stop',
        reply: 'The word "strawberry" contains three "r"s.',
        usage: { input: 339 + 18, output: 83 + 219, cacheRead: 320, cacheWrite: 0, reasoning: 39 + 205 },
        toolCalls: [{ name: 'weather', arguments: '{"location": "San Francisco"}', ok: false }],
      });
      // deepseek-reasoner list prices: $0.55 in, $2.19 out, $0.14 cached, per million.
      const expected =
        dollars(19, 0.55) + dollars(320, 0.14) + dollars(83, 2.19) + dollars(18, 0.55) + dollars(219, 2.19);
      expect(turn.json?.cost).toBeCloseTo(expected, 12);

      const [call, answer] = await r.replies('ds');
      expect(call).toMatchObject({
        content: '',
        reasoning: DEEPSEEK_THOUGHT,
        reasoningSource: 'reasoning_content',
        finishReason: 'tool_calls',
        toolCalls: [
          {
            id: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF',
            name: 'weather',
            arguments: '{"location": "San Francisco"}',
          },
        ],
        usage: { input: 339, output: 83, cacheRead: 320, cacheWrite: 0, reasoning: 39 },
      });
      expect(answer?.reasoning).toMatch(
        /^We need to count the number of the letter "r" in the word "strawberry"\./,
      );

      const sent = r.sent(-1);
      expect(sent[2]).toEqual({
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF',
            type: 'function',
            function: { name: 'weather', arguments: '{"location": "San Francisco"}' },
          },
        ],
        reasoning_content: DEEPSEEK_THOUGHT,
      });
      expect(sent[3]).toMatchObject({ role: 'tool', tool_call_id: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF' });

      // A later turn still carries it (DeepSeek wants it in all subsequent requests); a plain reply does not.
      const next = await r.turn('ds', 'And in Paris?', [
        asDeepSeek(recording('deepseek/reasoner-answer.sse')),
      ]);
      expect(next.code, next.stderr).toBe(0);
      const again = r.sent(-1);
      expect(again[2]?.reasoning_content).toBe(DEEPSEEK_THOUGHT);
      expect(again[4]).toEqual({ role: 'assistant', content: 'The word "strawberry" contains three "r"s.' });
    },
    RUNS_TIMEOUT_MS,
  );

  it(
    'sends no provider field to another model after a switch, and sends it again on switching back',
    async () => {
      const r = await replays.open({
        model: 'deepseek:deepseek-reasoner',
        keyEnv: 'DEEPSEEK_API_KEY',
        config: `[providers.openrouter]\nbase_url = "${replays.fake().url}"`,
        env: { OPENROUTER_API_KEY: KEY },
      });
      await r.turn('mix', 'Weather?', [
        recording('deepseek/reasoner-tool-call.sse'),
        asDeepSeek(recording('deepseek/reasoner-answer.sse')),
      ]);
      const switched = await r.turn(
        'mix',
        'Now think with Claude.',
        [recording('openrouter/claude-thinking-tool-call.sse'), recording('openrouter/claude-answer.sse')],
        ['--model', 'openrouter:anthropic/claude-sonnet-5'],
      );
      expect(switched.code, switched.stderr).toBe(0);
      // Both OpenRouter requests: DeepSeek's reasoning is not sent to Claude...
      for (const index of [-2, -1]) {
        expect(r.sent(index).some((m) => 'reasoning_content' in m)).toBe(false);
      }
      // ...while Claude's own details go back to Claude.
      expect(r.sent(-1).filter((m) => m.reasoning_details !== undefined)).toHaveLength(1);

      const back = await r.turn(
        'mix',
        'Back to DeepSeek.',
        [asDeepSeek(recording('deepseek/reasoner-answer.sse'))],
        ['--model', 'deepseek:deepseek-reasoner'],
      );
      expect(back.code, back.stderr).toBe(0);
      const sent = r.sent(-1);
      expect(sent.some((m) => 'reasoning_details' in m)).toBe(false);
      // Its own tool-call message carries its reasoning; Claude's carries an empty one, none of Claude's.
      expect(sent.filter((m) => (m.tool_calls ?? []).length > 0).map((m) => m.reasoning_content)).toEqual([
        DEEPSEEK_THOUGHT,
        '',
      ]);
    },
    RUNS_TIMEOUT_MS,
  );
});

const CLAUDE_THOUGHT =
  '17 times 23 breaks down to 17*20 plus 17*3, giving 340+51=391. Now I need to fetch the weather.';
const CLAUDE_SIGNATURE =
  'Ep0CCkgIDRABGAIqQBwSUgzjiTJplyZOsH8pmHQU+3AC4n77QQa4i6TlwQsr+I7JkJuciaNZnopF9wYg5PWu31xHy8d6Zh+Mr/aYpwYSDPb1E7zmX4R2zwz57BoM3bj4as+jjD7EEgx0IjDdJapNZ8MSK/Ek3aVUYkp1pNLmZeTFaKeDfgG1g79gEhGqRoBeF3TV95DYjMvxsHMqggFTq6dkS911hd8881Y6QxEul5EZFtLUZxjgcCvXSsY1TUE7BK7DHEGd/vPVPMVcx9Qc8vjLk7kf8xF8O7f/lbkv/IAAGr+3znzN3rcuYsFN+mg9utr99i0m+RWho+Aq3m1AGi2Me0efMVQ+vPfldFNSANYT9ZfxvCG+KHjSU4AZ29puGAE=';
const CLAUDE_STEP_ONE =
  '**Part 1: 17 × 23**\n\nBreaking it down:\n- 17 × 23 = 17 × (20 + 3)\n- 17 × 20 = 340\n- 17 × 3 = 51\n- 340 + 51 = **391**\n\n**Part 2: Weather in Paris**\n\nLet me fetch that for you now.';

describe('OpenRouter', () => {
  it(
    'keeps Claude’s reasoning_details whole (text pieces joined, the late signature attached) and sends them back verbatim',
    async () => {
      const r = await replays.open({
        model: 'openrouter:anthropic/claude-sonnet-5',
        keyEnv: 'OPENROUTER_API_KEY',
      });
      const turn = await r.turn('or', 'Work out 17*23 and get the Paris weather.', [
        recording('openrouter/claude-thinking-tool-call.sse'),
        recording('openrouter/claude-answer.sse'),
      ]);

      expect(turn.code, turn.stderr).toBe(0);
      // Every step's text on stdout, the second on a line of its own; comments and reasoning are not shown there.
      expect(turn.stdout).toBe(`${CLAUDE_STEP_ONE}\nIt is 18 °C and cloudy in Paris.\n`);
      // OpenRouter's own cost figures win: $0.004593 + $0.003054.
      expect(turn.stderr).toContain('[or · finished · 1679 in / 174 out / 38 reasoning · $0.0076]');

      const [call] = await r.replies('or');
      const details = [
        {
          type: 'reasoning.text',
          text: CLAUDE_THOUGHT,
          format: 'anthropic-claude-v1',
          index: 0,
          signature: CLAUDE_SIGNATURE,
        },
      ];
      expect(call).toMatchObject({
        content: CLAUDE_STEP_ONE,
        reasoning: CLAUDE_THOUGHT,
        reasoningSource: 'reasoning_details',
        reasoningDetails: details,
        finishReason: 'tool_calls',
        cost: 0.004593,
      });
      expect(r.sent(-1)[2]).toEqual({
        role: 'assistant',
        content: CLAUDE_STEP_ONE,
        tool_calls: [
          {
            id: 'toolu_013sKRz8e9TVLQt7da2WrdrU',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city": "Paris"}' },
          },
        ],
        reasoning_details: details,
      });
    },
    RUNS_TIMEOUT_MS,
  );

  it(
    'keeps an encrypted reasoning entry byte for byte and sends it back with its tool call',
    async () => {
      const r = await replays.open({ model: 'openrouter:openai/gpt-6-luna', keyEnv: 'OPENROUTER_API_KEY' });
      const turn = await r.turn('enc', 'Paris weather?', [
        recording('openrouter/openai-encrypted-reasoning-tool-call.sse'),
        recording('openrouter/claude-answer.sse'),
      ]);
      expect(turn.code, turn.stderr).toBe(0);

      const [call] = await r.replies('enc');
      const entry = call?.reasoningDetails?.[0] as Record<string, unknown>;
      expect(entry).toMatchObject({
        type: 'reasoning.encrypted',
        format: 'openai-responses-v1',
        id: 'rs_05a6389df207c51e016a99d959ecd887d1b672d700b322a752',
      });
      expect(entry.data).toMatch(/^gAAAAABqs53qZCG4G16PIVUyjAw4uhCv.*jD6rS$/);
      // Nothing readable came: no empty "reasoning" is stored or shown.
      expect(call?.reasoning).toBeUndefined();
      expect(r.sent(-1)[2]?.reasoning_details).toEqual([entry]);
    },
    RUNS_TIMEOUT_MS,
  );

  it(
    'fails a turn whose stream carries an error with finish_reason "error", keeping and reporting the partial text',
    async () => {
      const r = await replays.open({ model: 'openrouter:openai/gpt-4o', keyEnv: 'OPENROUTER_API_KEY' });
      const turn = await r.turn(
        'err',
        'Answer at length.',
        [recording('openrouter/mid-stream-error.sse')],
        ['--json'],
      );

      expect(turn.code).toBe(1);
      expect(turn.stderr).toBe(
        'octo: openrouter reported an error mid-stream: Provider disconnected unexpectedly\n',
      );
      expect(turn.json).toMatchObject({
        status: 'failed',
        finishReason: 'error',
        reply: 'The first half of the answer arrived before',
        usage: null,
        cost: null,
        error: { code: 'provider_server' },
      });
      const [partial] = await r.replies('err');
      expect(partial).toMatchObject({
        content: 'The first half of the answer arrived before',
        interrupted: true,
        finishReason: 'error',
        usage: null,
        cost: null,
      });
    },
    RUNS_TIMEOUT_MS,
  );
});

describe('Mistral', () => {
  it(
    'reads Magistral’s content parts: thinking is stored as reasoning, text is the reply, nothing fails',
    async () => {
      const r = await replays.open({ model: 'mistral:magistral-medium-2507', keyEnv: 'MISTRAL_API_KEY' });
      const turn = await r.turn('mag', 'What is 2+2?', [recording('mistral/magistral-thinking.sse')]);

      expect(turn.code, turn.stderr).toBe(0);
      expect(turn.stdout).toBe('2 + 2 = 4\n');
      expect(turn.stderr).toBe('[mag · finished · 10 in / 46 out · ?]\n');
      const [reply] = await r.replies('mag');
      expect(reply).toMatchObject({
        content: '2 + 2 = 4',
        reasoning: 'The user is asking for 2+2. This is basic arithmetic. 2+2=4.',
        reasoningSource: 'content_parts',
        finishReason: 'stop',
        usage: { input: 10, output: 46, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      });

      const shown = await r.shown('mag');
      expect(shown).toContain(
        '  [reasoning]\n    The user is asking for 2+2. This is basic arithmetic. 2+2=4.\n  2 + 2 = 4',
      );

      // Sent back as plain text: the thinking parts are not the reply.
      await r.turn('mag', 'And 3+3?', [recording('mistral/small-text.sse')]);
      expect(r.sent(-1)[2]).toEqual({ role: 'assistant', content: '2 + 2 = 4' });
    },
    RUNS_TIMEOUT_MS,
  );

  it(
    'skips a content part of an unknown type with one warning naming the provider and the field',
    async () => {
      const r = await replays.open({ model: 'mistral:magistral-medium-2507', keyEnv: 'MISTRAL_API_KEY' });
      const turn = await r.turn('ref', 'What is 2+2?', [recording('mistral/reference-part.sse')]);

      expect(turn.code, turn.stderr).toBe(0);
      expect(turn.stdout).toBe('2 + 2 = 4 (see the source)\n');
      expect(turn.stderr.split('\n')[0]).toBe(
        'warning: mistral sent choices[0].delta.content[0] (an object of type "reference") of an unknown shape; it was skipped.',
      );
    },
    RUNS_TIMEOUT_MS,
  );

  it(
    'separates tool calls sent whole without an index, and keeps their ids',
    async () => {
      const r = await replays.open({ model: 'mistral:mistral-small-latest', keyEnv: 'MISTRAL_API_KEY' });
      const turn = await r.turn('mtool', 'Weather in San Francisco?', [
        recording('mistral/tool-call-without-index.sse'),
        recording('mistral/small-text.sse'),
      ]);

      expect(turn.code, turn.stderr).toBe(0);
      expect(turn.stdout).toBe('Hello, world! This is a test response.\n');
      expect(r.sent(-1)[2]?.tool_calls).toEqual([
        {
          id: 'gSIMJiOkT',
          type: 'function',
          function: { name: 'weather', arguments: '{"location": "San Francisco"}' },
        },
      ]);
      expect(r.sent(-1)[3]).toMatchObject({ role: 'tool', tool_call_id: 'gSIMJiOkT' });
    },
    RUNS_TIMEOUT_MS,
  );
});

describe('Groq', () => {
  it(
    'reads delta.reasoning, counts reasoning tokens inside completion_tokens once, and sends no reasoning back',
    async () => {
      const r = await replays.open({ model: 'groq:qwen/qwen3-32b', keyEnv: 'GROQ_API_KEY' });
      const turn = await r.turn('groq', 'How many r in strawberry?', [
        recording('groq/qwen3-reasoning-excerpt.sse'),
      ]);

      expect(turn.code, turn.stderr).toBe(0);
      expect(turn.stdout).toMatch(/^The word \*\*"strawberry"\*\* is spelled as/);
      expect(turn.stdout).toMatch(/\*\*Final Answer\*\*: \$\\boxed\{3\}\$\n$/);
      const [reply] = await r.replies('groq');
      expect(reply?.reasoning).toMatch(
        /^Okay, let me try to figure out how many times the letter 'r' appears/,
      );
      expect(reply).toMatchObject({
        reasoningSource: 'reasoning',
        usage: { input: 17, output: 1107, cacheRead: 0, cacheWrite: 0, reasoning: 963 },
      });

      await r.turn('groq', 'Thanks.', [
        recording('groq/llama-tool-call.sse'),
        recording('mistral/small-text.sse'),
      ]);
      expect(JSON.stringify(r.sent(-1))).not.toMatch(/"reasoning(_content|_details)?":/);
    },
    RUNS_TIMEOUT_MS,
  );
});

describe('xAI', () => {
  it(
    'bills reasoning counted outside completion_tokens and takes xAI’s own cost (cost_in_usd_ticks) over the price table',
    async () => {
      const r = await replays.open({
        model: 'xai:grok-3-mini',
        keyEnv: 'XAI_API_KEY',
        // A price that would be far off: xAI's own figure must win.
        config: '[providers.xai.pricing."grok-3-mini"]\ninput = 100.0\noutput = 100.0',
      });
      const turn = await r.turn(
        'grok',
        'Weather in San Francisco?',
        [recording('xai/grok-3-mini-tool-call.sse'), recording('xai/grok-3-mini-text.sse')],
        ['--json'],
      );

      expect(turn.code, turn.stderr).toBe(0);
      expect(turn.json).toMatchObject({
        reply: 'Hello',
        // completion_tokens 26 and 1, reasoning 196 and 290 on top (total_tokens = prompt + both).
        usage: { input: 303, output: 26 + 196 + 1 + 290, cacheRead: 301, reasoning: 196 + 290 },
      });
      // 1,330,500 and 1,466,250 ticks of 1e-10 USD.
      expect(turn.json?.cost).toBeCloseTo(0.00013305 + 0.000146625, 12);
      const [call] = await r.replies('grok');
      expect(call).toMatchObject({ reasoning: 'First, the user is', reasoningSource: 'reasoning_content' });
      expect(r.sent(-1)[2]?.reasoning_content).toBe('First, the user is');
    },
    RUNS_TIMEOUT_MS,
  );
});
