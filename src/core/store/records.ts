/** Records of a session file (docs/architecture.md "Data"): one document per record, ordered by seq. */

export type Role = 'system' | 'user' | 'assistant' | 'tool';

/**
 * Tokens of one request or a sum of them. `input` is every prompt token the provider counted, cached
 * ones included; `cacheRead` and `cacheWrite` are the parts of it served from or written to the cache.
 * `reasoning` is the part of `output` spent on reasoning.
 */
export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  reasoning: number;
}

export const ZERO_USAGE: Usage = Object.freeze({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite: 0,
  reasoning: 0,
});

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    cacheRead: a.cacheRead + b.cacheRead,
    cacheWrite: a.cacheWrite + b.cacheWrite,
    reasoning: a.reasoning + b.reasoning,
  };
}

/**
 * The session's token figure, or null when no request reported usage at all (a local server that never
 * sends it): zeros there would read as real zeros.
 */
export function knownTokens(summary: Pick<SessionSummary, 'tokens' | 'tokensIncomplete'>): Usage | null {
  const { tokens } = summary;
  const none = tokens.input + tokens.output + tokens.cacheRead + tokens.cacheWrite + tokens.reasoning === 0;
  return summary.tokensIncomplete === true && none ? null : tokens;
}

/**
 * Why a model stopped, as a fact about the reply: `stop` (done), `tool_calls` (waits for tool results),
 * `length` (cut off at the output limit), `content_filter` (stopped by the provider's filter), `error`
 * (the stream failed, or the provider said so).
 */
export type FinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter' | 'error';

export interface ToolCall {
  id: string;
  name: string;
  /** The raw JSON text the model produced; may be invalid. */
  arguments: string;
}

export type AttachmentKind = 'image' | 'video';

export interface AttachmentRef {
  sha256: string;
  ext: string;
  mime: string;
  type: AttachmentKind;
  /** Original file name (base name only). */
  name: string;
  bytes: number;
}

/** Where tokens and money went: the main conversation, an agent, or compression. */
export type CostSource = 'main' | 'agent' | 'compression';

interface RecordBase {
  seq: number;
  /** ISO time of writing; informational only. */
  at: string;
}

export interface MessageRecord extends RecordBase {
  kind: 'message';
  role: Role;
  content: string;
  toolCalls?: ToolCall[];
  toolCallId?: string;
  /** Tool name, on tool results. */
  toolName?: string;
  /** Model string (provider:model) that produced an assistant message. */
  model?: string;
  /** Null when the request ran and the provider reported no usage (never zeros standing in for it). */
  usage?: Usage | null;
  /** USD; null when the price is unknown. Present on assistant messages that came from a request. */
  cost?: number | null;
  costSource?: CostSource;
  /** False once compressed away; the record stays (invariant 2 in docs/architecture.md). */
  inContext: boolean;
  /** A reply cut short (abort, crash, stream error), or a synthetic result for a dangling call. */
  interrupted?: boolean;
  synthetic?: boolean;
  attachments?: AttachmentRef[];
  reasoning?: string;
  /** How the reasoning arrived, which decides what goes back to the same model (see provider/round-trip). */
  reasoningSource?: ReasoningSource;
  /** OpenRouter's `reasoning_details`, merged from the stream and kept verbatim to be sent back. */
  reasoningDetails?: unknown[];
  /** On assistant messages that came from a request; absent when the provider sent none. */
  finishReason?: FinishReason;
  /** The provider's own word when it was not one of the five (`model_length`, `end_turn`, ...). */
  providerFinishReason?: string;
  /** Request latency facts, informational. */
  durationMs?: number;
  /** On a system message octo wrote itself about the project (role `system`, in context). */
  notice?: ProjectNotice;
  /**
   * The project's HEAD commit when the message was written (git projects, user messages and replies):
   * a resume reports `git log <head>..HEAD` as the commits made meanwhile.
   */
  head?: string;
}

/** `reasoning_content` (DeepSeek, Qwen, xAI, llama.cpp), `reasoning` (OpenRouter, Groq, vLLM), content parts (Mistral). */
export type ReasoningSource = 'reasoning_content' | 'reasoning' | 'reasoning_details' | 'content_parts';

/**
 * What octo told the model about the project, as a record so that the request is built from records
 * alone (invariant 5 in docs/architecture.md): files it read changed on disk, a catch-up on resume, the checkout moved.
 * A `moved` notice also re-attaches the session: the summary takes its directory and project id.
 */
export type ProjectNotice =
  | { kind: 'filesChanged'; paths: string[] }
  | { kind: 'catchUp'; commits: number; files: number; dirMissing: boolean }
  | { kind: 'moved'; from: string; to: string; projectId: string; projectGroup?: string };

export interface CompactionRecord extends RecordBase {
  kind: 'compaction';
  summary: string;
  /** seqs of the messages this compaction took out of the context. */
  compactedSeqs: number[];
  tokensBefore: number;
  tokensAfter: number;
  model: string;
  usage: Usage;
  cost: number | null;
  /** Set when /uncompress undid it. */
  undone?: boolean;
  /** What started it: a pressure level before a model call, /summarize, or /done (a checkpoint). */
  trigger?: CompactionTrigger;
  /** The threshold of the pressure level that was passed, for automatic ones. */
  level?: number;
  /**
   * Why the summary was not usable. Such a record keeps the cost of the attempt and the context size
   * it failed at (`tokensBefore`, which automatic compression waits to outgrow): it compacts nothing
   * and has no summary in the context.
   */
  failed?: string;
  /**
   * How the summary was written: the JSON asked for, prose the model wrote instead, or by octo
   * itself without a model (the summariser failed and the request had to fit). Absent on older records.
   */
  form?: 'structured' | 'prose' | 'octo';
  /** Summariser requests it took (a long history is summarised in parts); absent means one. */
  requests?: number;
  /** Set with `undone`: the seq of the newest record when it was undone (reported sizes before it no longer hold). */
  undoneAfter?: number;
}

export type CompactionTrigger = 'auto' | 'summarize' | 'done';

export type KnowledgeCategory = 'decision' | 'constraint' | 'preference' | 'finding';

export interface KnowledgeRecord extends RecordBase {
  kind: 'knowledge';
  op: 'add' | 'pin' | 'unpin' | 'forget';
  entryId: string;
  category?: KnowledgeCategory;
  text?: string;
}

export type CommandRecord = RecordBase & { kind: 'command' } & (
    | {
        command: 'create';
        id: string;
        name: string;
        projectDir: string;
        projectId: string;
        model: string;
        parentId?: string;
        /** Worktrees of one repository share a group (absent outside git and in older sessions). */
        projectGroup?: string;
      }
    | { command: 'model'; model: string; previous: string }
    | { command: 'rename'; name: string; previous: string }
    | { command: 'trash' }
    | { command: 'restore' }
  );

export interface AttachmentRecord extends RecordBase, AttachmentRef {
  kind: 'attachment';
}

export type SessionRecord =
  MessageRecord | CompactionRecord | KnowledgeRecord | CommandRecord | AttachmentRecord;

/** A record before the store gives it a seq and time. */
export type NewRecord = SessionRecord extends infer R
  ? R extends SessionRecord
    ? Omit<R, 'seq' | 'at'>
    : never
  : never;

/** The index document (docs/architecture.md "Data"); a cache rebuilt from session files. */
export interface SessionSummary {
  id: string;
  name: string;
  title: string;
  projectId: string;
  projectDir: string;
  createdAt: string;
  updatedAt: string;
  /** Store-wide counter bumped on every update: orders "most recent" even when the clock jumps back. */
  order: number;
  model: string;
  messageCount: number;
  tokens: Usage;
  /** USD total; null when some request had an unknown price and none is known. */
  cost: number | null;
  /** True when at least one request's cost was unknown. */
  costIncomplete: boolean;
  /** True when at least one request reported no usage: `tokens` is then a lower bound. */
  tokensIncomplete?: boolean;
  contextTokens: number;
  lastPreview: string;
  trashedAt: string | null;
  /** The session this one was forked from. */
  parentId?: string;
  /** Worktrees of one repository share it: list them together. */
  projectGroup?: string;
  /**
   * Set when the index was rebuilt from a damaged session file: where it is damaged. The summary holds
   * what could be read; opening the session is refused with the same words.
   */
  damaged?: string;
  /** Set by `list({ checkProjectDirs: true })`: the project directory is not on disk. */
  projectMissing?: boolean;
}

/** A knowledge entry as the session's knowledge records add up to it (`/knowledge`). */
export interface KnowledgeEntry {
  id: string;
  category: KnowledgeCategory;
  text: string;
  pinned: boolean;
  /** seq of the record that added it. */
  seq: number;
  /** False once knowledge_retention pushed it out of the context (it stays listed, and can be pinned back). */
  retained: boolean;
}
