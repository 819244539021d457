import type { CatchUp } from './project/types.js';
import type { LockHolder, StoreWarning } from './store/types.js';
import type {
  CompactionTrigger,
  FinishReason,
  SessionRecord,
  SessionSummary,
  ToolCall,
  Usage,
} from './store/records.js';

/** Context breakdown by category, in tokens (feeds the context pane and /context). */
export interface ContextBreakdown {
  system: number;
  tools: number;
  knowledge: number;
  messages: number;
  attachments: number;
  total: number;
  /** The model's context window, when known. */
  window: number | null;
  /** Token count at which the next automatic compression happens, if any. */
  nextCompactionAt: number | null;
  /** The part of `knowledge` that is the latest compression summary. */
  summary?: number;
  /** True when every figure is a tokenizer count; false while estimates stand in. */
  exact?: boolean;
  /** The pressure levels in force, lowest first (empty when compression is off). */
  levels?: Array<{ threshold: number; targetRatio: number }>;
  /** octo's own count of the whole request; `total` differs from it when a provider's report stands. */
  counted?: number;
  /**
   * The prompt tokens the provider reported for the latest reply, and octo's count of what was
   * appended since: `total` is their sum. Absent while octo's own count stands (no report yet, or the
   * context changed in another way since: a compression, a knowledge change, a model switch).
   */
  reported?: { tokens: number; since: number };
  /** Automatic compression is paused after a failure, until the context reaches `retryAt`. */
  compression?: CompressionPause;
}

/** A failed compression, and when automatic compression tries again. */
export interface CompressionPause {
  /** Context tokens when it failed. */
  failedAt: number;
  reason: string;
  /** Context tokens at which it is tried again (null: no level is left above; /summarize still tries). */
  retryAt: number | null;
}

export type BudgetLimit = BudgetFacts['limit'];

/**
 * What changed in a session's records, to apply to the snapshot of the version before (see
 * `applyRecordsChange`). Records are never changed in place: an update is a new record with the same seq.
 */
export type RecordsChange =
  | { kind: 'appended'; records: readonly SessionRecord[] }
  | { kind: 'updated'; records: readonly SessionRecord[] }
  /** The whole history, read again (a read-only view following another terminal's writer). */
  | { kind: 'replaced'; records: readonly SessionRecord[] };

export interface BudgetFacts {
  limit: 'session_spending' | 'request_spending' | 'session_tokens';
  used: number;
  max: number;
}

/** The typed event map (docs/architecture.md "Commands in, events out"). Every payload names its session where it has one. */
export interface OctoEvents {
  'session.opened': { sessionId: string; name: string; readOnly: boolean; holder: LockHolder | null };
  'session.updated': { summary: SessionSummary };
  /**
   * A session open in this workspace wrote or re-read records. `version` is one more than the last
   * (the snapshot of `handle.snapshot()` holds the version it shows), so a front end that sees a gap
   * takes a new snapshot.
   */
  'session.recordsChanged': { sessionId: string; version: number; change: RecordsChange };
  /** `external`: another terminal changed the index (ws.on for this event starts watching it). */
  'session.listChanged': {
    reason: 'created' | 'renamed' | 'trashed' | 'restored' | 'moved' | 'purged' | 'external';
  };
  /** The files the model read that changed on disk since (the full list, relative to the project). */
  'session.filesStale': { sessionId: string; paths: string[] };
  /** What happened in the project since the session's last message; also `handle.catchUp()`. */
  'session.catchUp': { sessionId: string; catchUp: CatchUp };
  /**
   * A session this front end reached through the process that holds it (octo attach) can no longer be
   * reached: that process went away. It stays on screen, read-only; nothing more is sent to it.
   */
  'session.detached': { sessionId: string; reason: string };
  'turn.started': { sessionId: string; turnId: string };
  'turn.delta': { sessionId: string; turnId: string; kind: 'text' | 'reasoning'; text: string };
  'turn.toolCall': { sessionId: string; turnId: string; call: ToolCall };
  'turn.toolResult': {
    sessionId: string;
    turnId: string;
    toolCallId: string;
    toolName: string;
    ok: boolean;
    /** Characters of the full result before any cap. */
    size: number;
    preview: string;
  };
  'turn.usage': { sessionId: string; turnId: string; usage: Usage; cost: number | null; model: string };
  'turn.retry': { sessionId: string; turnId: string; attempt: number; delayMs: number; reason: string };
  /** Something odd in the provider's stream that octo skipped; one line naming the provider and field. */
  'turn.warning': { sessionId: string; turnId: string; message: string };
  /** `finishReason` of the last model call: `length` and `content_filter` mean the reply is not whole. */
  'turn.finished': { sessionId: string; turnId: string; steps: number; finishReason?: FinishReason | null };
  'turn.failed': { sessionId: string; turnId: string; code: string; message: string };
  'turn.interrupted': {
    sessionId: string;
    turnId: string;
    /** `closed`: the session was closed under the turn (its holder quit or a server stopped). */
    reason: 'user' | 'error' | 'budget' | 'closed';
  };
  'context.changed': { sessionId: string; breakdown: ContextBreakdown };
  /** A summary is being written (a model call: seconds); `level` is the threshold passed, for auto. */
  'context.compacting': {
    sessionId: string;
    trigger: CompactionTrigger;
    level: number | null;
    tokens: number;
  };
  'context.compacted': {
    sessionId: string;
    tokensBefore: number;
    tokensAfter: number;
    trigger: CompactionTrigger;
    level: number | null;
    /** Messages taken out of the context (they stay in the session, inContext: false). */
    messages: number;
    /** The summary call's tokens; absent when the provider did not report them. */
    usage?: Usage;
    cost: number | null;
    /** How the summary was written (see CompactionRecord.form). */
    form?: 'structured' | 'prose' | 'octo';
    /** Summariser requests it took. */
    requests?: number;
  };
  /** A long compression's next request: "summarising part 3 of 12". */
  'context.compactionProgress': { sessionId: string; activity: string };
  /** The compression was aborted (the user interrupted, the session closed): nothing was changed. */
  'context.compactionInterrupted': { sessionId: string; trigger: CompactionTrigger };
  /**
   * The summary call failed or returned nothing usable: the context was left as it was (unless octo
   * then compressed without a model, which a 'context.compacted' event with form 'octo' follows).
   * `retryAt`: the context size at which automatic compression tries again (absent for a failure that
   * does not pause it, null when no level is left above).
   */
  'context.compactionFailed': {
    sessionId: string;
    trigger: CompactionTrigger;
    reason: string;
    tokens?: number;
    retryAt?: number | null;
    usage?: Usage;
    cost?: number | null;
    /** The request would not fit the window: octo compresses without the model right after. */
    octoNext?: true;
  };
  'knowledge.changed': { sessionId: string; entries: number };
  /** `sessionId` is the session the job works for; an agent's own conversation is `childSessionId`. */
  'job.started': { jobId: string; sessionId: string; kind: string; title: string; childSessionId?: string };
  'job.progress': { jobId: string; sessionId: string; activity: string; usage: Usage; cost: number | null };
  'job.finished': { jobId: string; sessionId: string; usage?: Usage; cost?: number | null };
  'job.failed': { jobId: string; sessionId: string; message: string; cancelled?: boolean };
  'mcp.status': {
    server: string;
    status: 'connecting' | 'ready' | 'failed' | 'needs-approval' | 'disabled';
    tools: number;
    reason?: string;
  };
  /** Files added, changed or removed in a watched project (relative; at most a few hundred per event). */
  'project.filesChanged': { projectId: string; paths: string[] };
  /** The watcher of a project directory: `capped` when the tree was too large to watch whole. */
  'project.watch': {
    projectDir: string;
    state: 'starting' | 'watching' | 'capped' | 'failed' | 'closed';
    paths: number;
    reason?: string;
  };
  /** `sessionId` is null for workspace-wide questions (what a project's config asks). */
  'approval.requested': {
    sessionId: string | null;
    requestId: string;
    kind: 'tool' | 'project';
    tool: string;
    summary: string;
    detail: string;
  };
  /** Answered through the API, or cancelled (its turn stopped, the workspace closed): dismiss the prompt. */
  'approval.settled': {
    sessionId: string | null;
    requestId: string;
    answer: 'once' | 'always' | 'deny' | 'cancelled';
  };
  /** What of the project's config is approved changed (an answer, /mcp approve, --trust-project). */
  'trust.changed': { pending: number };
  'budget.warning': { sessionId: string } & BudgetFacts;
  'budget.exceeded': { sessionId: string } & BudgetFacts;
  'store.warning': { warning: StoreWarning };
}

export type OctoEventName = keyof OctoEvents;
export type Listener<K extends OctoEventName> = (payload: OctoEvents[K]) => void;

/** Any one event with its name, for a front end that handles them all in one exhaustive switch. */
export type OctoEvent = { [K in OctoEventName]: { name: K; payload: OctoEvents[K] } }[OctoEventName];

/** A record keyed by every event name: adding an event without listing it here fails the type check. */
const EVENT_NAMES: Record<OctoEventName, true> = {
  'session.opened': true,
  'session.updated': true,
  'session.recordsChanged': true,
  'session.listChanged': true,
  'session.filesStale': true,
  'session.catchUp': true,
  'session.detached': true,
  'turn.started': true,
  'turn.delta': true,
  'turn.toolCall': true,
  'turn.toolResult': true,
  'turn.usage': true,
  'turn.retry': true,
  'turn.warning': true,
  'turn.finished': true,
  'turn.failed': true,
  'turn.interrupted': true,
  'context.changed': true,
  'context.compacting': true,
  'context.compacted': true,
  'context.compactionProgress': true,
  'context.compactionInterrupted': true,
  'context.compactionFailed': true,
  'knowledge.changed': true,
  'job.started': true,
  'job.progress': true,
  'job.finished': true,
  'job.failed': true,
  'mcp.status': true,
  'project.filesChanged': true,
  'project.watch': true,
  'approval.requested': true,
  'approval.settled': true,
  'trust.changed': true,
  'budget.warning': true,
  'budget.exceeded': true,
  'store.warning': true,
};

/** Every event name (subscribing to 'session.listChanged' starts the index watch: see `Workspace.on`). */
export const OCTO_EVENT_NAMES = Object.keys(EVENT_NAMES) as readonly OctoEventName[];

/**
 * Events a front end must not miss even when they happen before it listens: a store warning raised
 * while a session opens (a torn tail set aside, a stale lock taken over) comes before `-p` knows
 * which session to print for. They wait for the first listener, which gets them at once.
 */
const HELD_UNTIL_HEARD: ReadonlySet<OctoEventName> = new Set(['store.warning']);
/** Held events kept per name: the first ones say what happened; a flood adds nothing. */
const MAX_HELD = 100;

/** A small typed emitter; listeners that throw do not stop the others, and the error is reported. */
export class EventBus {
  private readonly listeners = new Map<OctoEventName, Set<(payload: never) => void>>();
  private readonly held = new Map<OctoEventName, unknown[]>();

  constructor(private readonly onListenerError: (error: unknown) => void) {}

  on<K extends OctoEventName>(name: K, listener: Listener<K>): () => void {
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener);
    this.listeners.set(name, set);
    const waiting = this.held.get(name);
    if (waiting !== undefined) {
      this.held.delete(name);
      for (const payload of waiting) this.call(listener, payload as OctoEvents[K]);
    }
    return () => set.delete(listener);
  }

  emit<K extends OctoEventName>(name: K, payload: OctoEvents[K]): void {
    const listeners = this.listeners.get(name);
    if ((listeners === undefined || listeners.size === 0) && HELD_UNTIL_HEARD.has(name)) {
      const waiting = this.held.get(name) ?? [];
      if (waiting.length < MAX_HELD) waiting.push(payload);
      this.held.set(name, waiting);
      return;
    }
    for (const listener of listeners ?? []) this.call(listener as Listener<K>, payload);
  }

  private call<K extends OctoEventName>(listener: Listener<K>, payload: OctoEvents[K]): void {
    try {
      listener(payload);
    } catch (error) {
      this.onListenerError(error);
    }
  }
}
