import type { LockHolder, StoreWarning } from './store/types.js';
import type { SessionSummary, ToolCall, Usage } from './session/types.js';

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
}

export interface BudgetFacts {
  limit: 'session_spending' | 'request_spending' | 'session_tokens';
  used: number;
  max: number;
}

/** The typed event map (DESIGN.md §4). Every payload names its session where it has one. */
export interface OctoEvents {
  'session.opened': { sessionId: string; name: string; readOnly: boolean; holder: LockHolder | null };
  'session.updated': { summary: SessionSummary };
  'session.listChanged': { reason: 'created' | 'renamed' | 'trashed' | 'restored' | 'external' };
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
  'turn.finished': { sessionId: string; turnId: string; steps: number };
  'turn.failed': { sessionId: string; turnId: string; code: string; message: string };
  'turn.interrupted': { sessionId: string; turnId: string; reason: 'user' | 'error' | 'budget' };
  'context.changed': { sessionId: string; breakdown: ContextBreakdown };
  'context.compacted': { sessionId: string; tokensBefore: number; tokensAfter: number };
  'knowledge.changed': { sessionId: string };
  'job.started': { jobId: string; sessionId: string; kind: string; title: string };
  'job.progress': { jobId: string; sessionId: string; activity: string; usage: Usage; cost: number | null };
  'job.finished': { jobId: string; sessionId: string };
  'job.failed': { jobId: string; sessionId: string; message: string };
  'mcp.status': { server: string; status: 'connecting' | 'ready' | 'failed'; tools: number; reason?: string };
  'project.filesChanged': { projectId: string; paths: string[] };
  'approval.requested': { sessionId: string; requestId: string; tool: string; summary: string };
  'budget.warning': { sessionId: string } & BudgetFacts;
  'budget.exceeded': { sessionId: string } & BudgetFacts;
  'store.warning': { warning: StoreWarning };
}

export type OctoEventName = keyof OctoEvents;
export type Listener<K extends OctoEventName> = (payload: OctoEvents[K]) => void;

/** A small typed emitter; listeners that throw do not stop the others, and the error is reported. */
export class EventBus {
  private readonly listeners = new Map<OctoEventName, Set<(payload: never) => void>>();

  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  on<K extends OctoEventName>(name: K, listener: Listener<K>): () => void {
    const set = this.listeners.get(name) ?? new Set();
    set.add(listener as (payload: never) => void);
    this.listeners.set(name, set);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<K extends OctoEventName>(name: K, payload: OctoEvents[K]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        (listener as Listener<K>)(payload);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}
