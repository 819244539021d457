import type { OctoConfig } from '../config/schema.js';
import type { Clock, Env } from '../deps.js';
import type { FinishReason, ReasoningSource, ToolCall, Usage } from '../store/records.js';

/** A built-in or configured OpenAI-compatible endpoint. */
export interface ProviderInfo {
  name: string;
  baseUrl: string;
  /** Environment variable holding the key; undefined for keyless local servers. */
  apiKeyEnv?: string;
  /** Whether this endpoint needs a key at all (ollama and lmstudio do not). */
  requiresKey: boolean;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
  /** This provider's wait for an answer to begin, over `request.first_byte_timeout_ms`. */
  firstByteTimeoutMs?: number;
}

export interface ResolvedModel {
  /** The full model string, "provider:model". */
  modelString: string;
  provider: ProviderInfo;
  /** The model id sent to the provider. */
  modelId: string;
}

/** USD per million tokens. */
export interface Pricing {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** One message in the OpenAI chat format, as assembled for a request. */
export type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  /** Accepted by some OpenAI-compatible gateways for video-capable models. */
  | { type: 'video_url'; video_url: { url: string } };

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ChatContentPart[] }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
      /** What the model that wrote it may need back; the client decides what goes on the wire. */
      replay?: ReplayFacts;
    }
  | { role: 'tool'; tool_call_id: string; content: string };

/**
 * The parts of a stored reply some providers require on later requests (DeepSeek's
 * `reasoning_content` on tool-call turns, OpenRouter's `reasoning_details`). Never sent as such: the
 * client puts them on the wire only for the model that produced them (provider/round-trip.ts).
 */
export interface ReplayFacts {
  /** The model string (provider:model) that wrote the reply. */
  model: string;
  reasoning: string;
  reasoningSource: ReasoningSource | null;
  reasoningDetails: unknown[] | null;
}

export interface ToolSchema {
  name: string;
  description: string;
  /** JSON schema of the arguments object. */
  parameters: Record<string, unknown>;
}

/**
 * Structured output asked of the model (`response_format`): any JSON object, or one that follows a
 * JSON schema. Providers that do not know the field may refuse the request (HTTP 400) or ignore it.
 */
export type ResponseFormat =
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict: boolean };

export interface ChatRequest {
  model: ResolvedModel;
  messages: ChatMessage[];
  tools: ToolSchema[];
  signal?: AbortSignal;
  /** Sent as `response_format` when set (the summariser asks for its JSON this way). */
  responseFormat?: ResponseFormat;
}

/** What streams out of a request, in order. */
export type StreamEvent =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'toolCall'; index: number; id: string; name: string }
  | { type: 'retry'; attempt: number; delayMs: number; reason: string }
  /** Something odd the stream did that octo skipped (a field of an unknown shape), one line. */
  | { type: 'warning'; message: string };

export interface CompletionResult {
  content: string;
  reasoning: string;
  /** How the reasoning arrived; null without reasoning. */
  reasoningSource: ReasoningSource | null;
  /** OpenRouter's `reasoning_details`, merged, verbatim; null when none came. */
  reasoningDetails: unknown[] | null;
  toolCalls: ToolCall[];
  /** Null when the provider sent no usage. */
  usage: Usage | null;
  /** The provider's own cost figure (OpenRouter's usage.cost, xAI's ticks), when sent. */
  providerCost: number | null;
  /** Null when the stream ended (with [DONE]) but never said why. */
  finishReason: FinishReason | null;
  /** The provider's word when it was not one of the five. */
  providerFinishReason: string | null;
  durationMs: number;
}

/**
 * Thrown (as OctoError with a provider_* code) when a request fails; `partial` holds
 * whatever streamed before the failure so the turn loop can keep it as interrupted.
 */
export interface PartialCompletion {
  content: string;
  reasoning: string;
}

export interface ChatClient {
  complete(request: ChatRequest, onEvent: (event: StreamEvent) => void): Promise<CompletionResult>;
}

/** Waits `ms` milliseconds; rejects when `signal` aborts. Injected so tests assert delays without waiting. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface ChatClientOptions {
  env: Env;
  config: OctoConfig;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Backoff waits; defaults to a real, abortable timer. */
  sleep?: Sleep;
  /** Jitter source in [0, 1); defaults to Math.random. */
  random?: () => number;
  /** Monotonic milliseconds for durations; defaults to performance.now. */
  now?: () => number;
  /** Wall clock for Retry-After dates; defaults to the system clock. */
  clock?: Clock;
}
