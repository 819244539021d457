import type { FakeReply, FakeRequestBody, FakeUsage } from './fake-provider-types.js';

/** A fixed creation time keeps recorded responses stable across runs. */
const CREATED = 1_700_000_000;
/** Rough characters per token, for default usage figures. */
const CHARS_PER_TOKEN = 4;

type Json = Record<string, unknown>;

export function textPieces(reply: FakeReply): string[] {
  if (reply.text === undefined) return [];
  return typeof reply.text === 'string' ? [reply.text] : reply.text;
}

export function finishReasonOf(reply: FakeReply): string | null {
  if (reply.finishReason !== undefined) return reply.finishReason;
  return (reply.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'stop';
}

/** The usage figures to report: scripted, else a deterministic estimate from the sizes involved. */
export function usageOf(reply: FakeReply, body: FakeRequestBody): FakeUsage {
  if (reply.usage !== undefined) return reply.usage;
  const tokens = (text: string): number => Math.ceil(text.length / CHARS_PER_TOKEN);
  const reasoning = tokens((reply.reasoning ?? []).join(''));
  const written =
    textPieces(reply).join('') + (reply.toolCalls ?? []).map((c) => c.name + c.arguments).join('');
  return {
    prompt: Math.max(1, tokens(JSON.stringify(body.messages ?? []))),
    completion: Math.max(1, tokens(written) + reasoning),
    reasoning,
  };
}

export function usageJson(reply: FakeReply, body: FakeRequestBody): Json {
  const usage = usageOf(reply, body);
  return {
    prompt_tokens: usage.prompt,
    completion_tokens: usage.completion,
    total_tokens: usage.prompt + usage.completion,
    prompt_tokens_details: {
      cached_tokens: usage.cached ?? 0,
      ...(usage.cacheWrite === undefined ? {} : { cache_write_tokens: usage.cacheWrite }),
    },
    completion_tokens_details: { reasoning_tokens: usage.reasoning ?? 0 },
    ...(reply.cost === undefined ? {} : { cost: reply.cost }),
  };
}

/** The deltas of a streamed reply, in order: reasoning, text, tool calls, finish, then usage. */
export function replyChunks(reply: FakeReply, body: FakeRequestBody): Json[] {
  const reasoningField = reply.reasoningField ?? 'reasoning_content';
  const deltas: Json[] = [
    ...(reply.reasoning ?? []).map((piece) => ({ [reasoningField]: piece })),
    ...textPieces(reply).map((piece) => ({ content: piece })),
    ...(reply.toolCalls ?? []).flatMap((call, index) =>
      split(call.arguments, call.splitInto ?? 1).map((piece, part) => ({
        tool_calls: [
          part === 0
            ? { index, id: call.id, type: 'function', function: { name: call.name, arguments: piece } }
            : { index, function: { arguments: piece } },
        ],
      })),
    ),
  ];
  const finish = finishReasonOf(reply);
  const choices: Array<{ index: number; delta: Json; finish_reason: string | null }> = deltas.map(
    (delta) => ({
      index: 0,
      delta,
      finish_reason: null,
    }),
  );
  if (finish !== null) choices.push({ index: 0, delta: {}, finish_reason: finish });
  const first = choices[0];
  if (first !== undefined) first.delta = { role: 'assistant', ...first.delta };
  const chunks: Json[] = choices.map((choice) => envelope(body, { choices: [choice] }));
  if (body.stream_options?.include_usage === true)
    chunks.push(envelope(body, { choices: [], usage: usageJson(reply, body) }));
  return chunks;
}

/** The whole reply as one non-streaming chat.completion. */
export function replyCompletion(reply: FakeReply, body: FakeRequestBody): Json {
  const text = textPieces(reply).join('');
  const calls = reply.toolCalls ?? [];
  const message: Json = {
    role: 'assistant',
    content: text === '' && calls.length > 0 ? null : text,
    ...(reply.reasoning === undefined
      ? {}
      : { [reply.reasoningField ?? 'reasoning_content']: reply.reasoning.join('') }),
    ...(calls.length === 0
      ? {}
      : {
          tool_calls: calls.map((c) => ({
            id: c.id,
            type: 'function',
            function: { name: c.name, arguments: c.arguments },
          })),
        }),
  };
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: CREATED,
    model: body.model ?? 'fake-model',
    choices: [{ index: 0, message, finish_reason: finishReasonOf(reply) }],
    usage: usageJson(reply, body),
  };
}

function envelope(body: FakeRequestBody, fields: Json): Json {
  return {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: body.model ?? 'fake-model',
    ...fields,
  };
}

/** `text` cut into `parts` nearly equal pieces (the last may be empty for very short text). */
function split(text: string, parts: number): string[] {
  const count = Math.max(1, Math.floor(parts));
  const size = Math.ceil(text.length / count);
  return Array.from({ length: count }, (_, i) => text.slice(i * size, (i + 1) * size));
}
