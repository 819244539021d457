/** Scripted responses of the fake OpenAI-compatible server (see fake-provider.ts). */

export interface FakeUsage {
  prompt: number;
  completion: number;
  cached?: number;
  reasoning?: number;
  cacheWrite?: number;
}

export interface FakeToolCall {
  id: string;
  name: string;
  /** Raw JSON text; may be invalid on purpose. */
  arguments: string;
  /** Number of chunks the arguments are split across (default 1). */
  splitInto?: number;
}

/** A completion, streamed as SSE or answered as JSON depending on the request's `stream` flag. */
export interface FakeReply {
  /** One string is one chunk; an array is one chunk per element. */
  text?: string | string[];
  reasoning?: string[];
  /** Which delta field carries reasoning: DeepSeek's `reasoning_content` (default) or OpenRouter's `reasoning`. */
  reasoningField?: 'reasoning' | 'reasoning_content';
  toolCalls?: FakeToolCall[];
  /** Defaults to a deterministic estimate from the request and reply sizes. */
  usage?: FakeUsage;
  /** OpenRouter-style `usage.cost` in USD. */
  cost?: number;
  /** Defaults to "tool_calls" with tool calls, else "stop"; null sends no finish reason at all. */
  finishReason?: string | null;
  /**
   * Chunk bodies sent verbatim as data lines instead of the ones built from the fields above (usage
   * and faults still apply): for odd provider dialects and chunks of the wrong shape.
   */
  rawChunks?: unknown[];
  /** Pause between chunks, for tests of a real process watching a stream. */
  chunkDelayMs?: number;
  /** End the body without the `data: [DONE]` line. */
  omitDone?: boolean;
  /** Send a data line that is not JSON after this many chunks. */
  malformedAfter?: number;
  /** Stop sending after this many chunks but keep the connection open. */
  stallAfter?: number;
  /** After this many chunks, wait for `gate` to settle before sending the rest (the test says when). */
  gateAfter?: number;
  gate?: Promise<unknown>;
  /** Destroy the connection after this many chunks. */
  closeAfter?: number;
}

/** An HTTP error answer. `body` is sent as JSON unless it is a string; the default is an OpenAI-style error. */
export interface FakeHttpError {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Accept the request and never answer, not even headers. */
export interface FakeHang {
  hang: true;
}

/**
 * A recorded response body replayed byte for byte (test/fixtures/providers/): status 200 and
 * `text/event-stream` unless said otherwise. The body is written in pieces of `pieceBytes` (default
 * 97, so pieces end mid-line and mid-character, as network reads do).
 */
export interface FakeRecording {
  recording: string | Uint8Array;
  status?: number;
  contentType?: string;
  pieceBytes?: number;
}

export interface FakeRequest {
  method: string;
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The parsed JSON body; empty for GET or an unreadable body (see `raw` and `bodyError`). */
  body: FakeRequestBody;
  raw: string;
  /** Why a non-empty body could not be read as a JSON object. */
  bodyError: string | null;
}

export interface FakeRequestBody {
  model?: string;
  messages?: unknown[];
  tools?: unknown[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

/** What a step finally answers with. */
export type FakeAnswer = FakeReply | FakeHttpError | FakeHang | FakeRecording;

/** One scripted response, or a function of the request that picks one (it may be async). */
export type FakeStep = FakeAnswer | ((request: FakeRequest) => FakeStep | Promise<FakeStep>);
