import type { CompressionConfig } from '../config/index.js';
import type { ResolvedModel, ResponseFormat } from '../provider/types.js';

export type StructuredOutput = 'json_schema' | 'json_object' | 'off';

/** The knowledge categories the summariser may use (the schema's enum). */
const CATEGORIES = ['decision', 'constraint', 'preference', 'finding'] as const;

const LIST_FIELDS = [
  'progress',
  'decisions',
  'constraints',
  'preferences',
  'findings',
  'files',
  'openQuestions',
  'nextSteps',
] as const;

/**
 * The reply's JSON schema, in the strict form OpenAI's structured outputs accept (every property
 * required, no others), which the other providers that take a schema accept as well.
 */
export const SUMMARY_SCHEMA: Record<string, unknown> = {
  type: 'object',
  additionalProperties: false,
  required: ['summary', 'knowledge'],
  properties: {
    summary: {
      type: 'object',
      additionalProperties: false,
      required: ['goal', 'currentTask', ...LIST_FIELDS],
      properties: {
        goal: { type: 'string' },
        currentTask: { type: 'string' },
        ...Object.fromEntries(LIST_FIELDS.map((f) => [f, { type: 'array', items: { type: 'string' } }])),
      },
    },
    knowledge: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['category', 'text'],
        properties: { category: { type: 'string', enum: [...CATEGORIES] }, text: { type: 'string' } },
      },
    },
  },
};

/**
 * What each built-in provider is known to take, from its documentation: OpenAI, xAI, OpenRouter
 * (which drops the field for models that lack it), Ollama 0.5+ and LM Studio (which refuses
 * `json_object`) follow a schema; DeepSeek, Groq, Mistral and Together document JSON mode for their
 * chat models. A provider that refuses the field anyway is asked again without it (see compress.ts).
 */
const BY_PROVIDER: Readonly<Record<string, StructuredOutput>> = {
  openai: 'json_schema',
  openrouter: 'json_schema',
  xai: 'json_schema',
  ollama: 'json_schema',
  lmstudio: 'json_schema',
  deepseek: 'json_object',
  groq: 'json_object',
  mistral: 'json_object',
  together: 'json_object',
};

/** OpenAI models from before structured outputs (gpt-4o-2024-08-06) only know JSON mode. */
const OPENAI_JSON_MODE_ONLY = /^(gpt-3\.5|gpt-4-|gpt-4$|gpt-4-turbo)/;
/** Reasoning models that document no JSON output at all. */
const NO_JSON_OUTPUT = /^deepseek-reasoner$/;

/**
 * The structured output to ask of a summariser: the config's choice, else by provider and model.
 * Any other OpenAI-compatible server (llama.cpp, vLLM, a gateway) gets JSON mode, the form most of
 * them know.
 */
export function structuredOutputFor(model: ResolvedModel, config: CompressionConfig): StructuredOutput {
  if (config.structured_output !== 'auto') return config.structured_output;
  const id = model.modelId.slice(model.modelId.lastIndexOf('/') + 1);
  if (NO_JSON_OUTPUT.test(id)) return 'off';
  const byProvider = Object.hasOwn(BY_PROVIDER, model.provider.name)
    ? BY_PROVIDER[model.provider.name]
    : undefined;
  if (byProvider === 'json_schema' && OPENAI_JSON_MODE_ONLY.test(id)) return 'json_object';
  return byProvider ?? 'json_object';
}

export function responseFormatOf(output: StructuredOutput): ResponseFormat | undefined {
  switch (output) {
    case 'json_schema':
      return { type: 'json_schema', name: 'context_summary', schema: SUMMARY_SCHEMA, strict: true };
    case 'json_object':
      return { type: 'json_object' };
    case 'off':
      return undefined;
  }
}
