import { z } from 'zod';
import { PROVIDER_NAME_PATTERN, parseModelString } from './model-string.js';

/** USD per million tokens. */
const pricingSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cache_read: z.number().nonnegative().optional(),
  cache_write: z.number().nonnegative().optional(),
});

const modelInfoSchema = z.strictObject({
  context_window: z.number().int().positive().optional(),
  vision: z.boolean().optional(),
  video: z.boolean().optional(),
});

const providerSchema = z.strictObject({
  base_url: z.url().optional(),
  api_key_env: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  headers: z.record(z.string(), z.string()).optional(),
  pricing: z.record(z.string(), pricingSchema).default({}),
  models: z.record(z.string(), modelInfoSchema).default({}),
});

const limitsSchema = z.strictObject({
  max_session_spending: z.number().positive().optional(),
  max_request_spending: z.number().positive().optional(),
  max_session_tokens: z.number().int().positive().optional(),
});

const requestSchema = z.strictObject({
  /** Gives up on a stream that sends nothing for this long. */
  idle_timeout_ms: z.number().int().positive().default(60_000),
  max_retries: z.number().int().min(0).max(10).default(4),
  /** Upper bound on a single backoff wait, Retry-After included. */
  max_retry_delay_ms: z.number().int().positive().default(60_000),
});

const toolsSchema = z.strictObject({
  /** Model calls per turn before the loop stops. */
  max_steps: z.number().int().positive().max(500).default(25),
  /** Characters of one tool result kept for the context and the store. */
  max_output_chars: z.number().int().positive().default(50_000),
});

const modelStringSchema = z.string().refine((value) => parseModelString(value) !== null, {
  message: 'expected "provider:model", e.g. "openai:gpt-4o-mini" or "ollama:qwen2.5-coder:7b"',
});

const providerNameSchema = z
  .string()
  .regex(
    PROVIDER_NAME_PATTERN,
    'a provider name is letters, digits, "_" or "-", starting with a letter or digit',
  );

/*
 * Every table is strict so that a typo is reported, never ignored (FAULTS row 30). New sections are
 * added here as one more key; `prefault({})` runs the section's own defaults, so no default is repeated.
 */
export const configSchema = z.strictObject({
  model: modelStringSchema.default('openai:gpt-4o-mini'),
  theme: z.string().default('dark'),
  system_prompt: z.string().optional(),
  providers: z.record(providerNameSchema, providerSchema).default({}),
  limits: limitsSchema.prefault({}),
  request: requestSchema.prefault({}),
  tools: toolsSchema.prefault({}),
});

export type OctoConfig = z.infer<typeof configSchema>;
export type ProviderConfig = z.infer<typeof providerSchema>;
export type PricingConfig = z.infer<typeof pricingSchema>;

/** The configuration when no file sets anything. */
export function defaultConfig(): OctoConfig {
  return configSchema.parse({});
}
