import type { SessionHandle } from '../api.js';
import type { AgentConfig } from '../config/index.js';
import { getErrorMessage } from '../errors.js';
import type { EventBus } from '../events.js';
import { ZERO_USAGE, type SessionSummary } from '../store/index.js';
import { sanitizeLine } from '../text/index.js';
import type { ToolContext, ToolResult, ToolSet } from '../tools/index.js';
import type { JobManager, RunningJob } from './job-manager.js';

/** Characters of a task shown as a job title, and of tool arguments shown as its activity. */
const TITLE_CHARS = 60;
const ACTIVITY_CHARS = 80;

/** The agent's own conversation, as much of a session as the runner needs. */
export type AgentSession = Pick<
  SessionHandle,
  'id' | 'submit' | 'interrupt' | 'summary' | 'records' | 'close'
>;

export interface AgentSessionInit {
  agent: string;
  /** The calling session: the agent's conversation is saved as its child. */
  parentId: string;
  /** Used when the parent is not in the index. */
  projectDir: string;
  /** The agent's model, else the caller's; the parent's when neither is set. */
  model: string | undefined;
  tools: ToolSet;
  systemPrompt: string;
}

/**
 * Opens (and saves) a new child session for an agent. The session domain provides it: the
 * composition root injects it, so jobs/ never imports session/.
 */
export type StartAgentSession = (init: AgentSessionInit) => Promise<AgentSession>;

export interface AgentRunnerDeps {
  jobs: JobManager;
  bus: EventBus;
  startSession: StartAgentSession;
  /** The tool set an agent may use: only the names it is allowed, never other agents. */
  toolsFor: (agent: AgentConfig) => ToolSet;
}

const clip = (text: string, max: number): string => {
  const line = sanitizeLine(text).trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
};

/**
 * Runs an agent: a conversation of its own, saved as a child session of the caller's, tracked as a
 * background job (tokens, cost, activity). Its final answer is the tool result; what it spent is
 * attached to the result, so the caller's session counts it.
 */
export class AgentRunner {
  constructor(private readonly deps: AgentRunnerDeps) {}

  async run(
    agent: AgentConfig,
    task: string,
    context: ToolContext & { sessionId: string },
  ): Promise<ToolResult> {
    const child = await this.deps.startSession({
      agent: agent.name,
      parentId: context.sessionId,
      projectDir: context.projectDir,
      model: agent.model ?? context.model,
      tools: this.deps.toolsFor(agent),
      systemPrompt: `${agent.system_prompt}\nThe project directory is ${context.projectDir}. Tools take paths relative to it.`,
    });
    const job = this.deps.jobs.start({
      kind: 'agent',
      title: `${agent.name}: ${clip(task, TITLE_CHARS)}`,
      sessionId: context.sessionId,
      childSessionId: child.id,
    });
    try {
      return await this.drive(child, job, task, context.signal);
    } finally {
      await child.close();
    }
  }

  private async drive(
    child: AgentSession,
    job: RunningJob,
    task: string,
    parentSignal: AbortSignal,
  ): Promise<ToolResult> {
    const { bus } = this.deps;
    const offs = [
      bus.on('turn.toolCall', ({ sessionId, call }) => {
        if (sessionId === child.id) job.progress(clip(`${call.name} ${call.arguments}`, ACTIVITY_CHARS));
      }),
      bus.on('turn.usage', ({ sessionId, usage, cost }) => {
        if (sessionId === child.id) job.progress('thinking', { usage, cost });
      }),
    ];
    const stop = (): void => child.interrupt();
    const signal = AbortSignal.any([parentSignal, job.signal]);
    signal.addEventListener('abort', stop, { once: true });
    try {
      const running = child.submit(task);
      if (signal.aborted) stop();
      const outcome = await running;
      const spent = spentBy(child.summary());
      if (outcome.status === 'finished') {
        job.finish('done');
        return { ok: true, content: outcome.reply, ...spent };
      }
      if (signal.aborted) {
        job.cancelled();
        // The caller's turn was stopped: its loop records the interruption, not a result.
        parentSignal.throwIfAborted();
        return {
          ok: false,
          content: `The user cancelled the agent before it finished.${partial(child)}`,
          ...spent,
        };
      }
      const message = outcome.error?.message ?? 'the agent stopped';
      job.fail(message);
      return { ok: false, content: `The agent failed: ${message}${partial(child)}`, ...spent };
    } catch (error) {
      job.fail(getErrorMessage(error));
      throw error;
    } finally {
      signal.removeEventListener('abort', stop);
      for (const off of offs) off();
    }
  }
}

function spentBy(summary: SessionSummary): Pick<ToolResult, 'usage' | 'cost'> {
  return { usage: { ...ZERO_USAGE, ...summary.tokens }, cost: summary.cost };
}

/** What the agent last said, so a cancelled or failed run still hands over what it found. */
function partial(child: AgentSession): string {
  const last = [...child.records()]
    .reverse()
    .find((r) => r.kind === 'message' && r.role === 'assistant' && r.content !== '');
  return last !== undefined && last.kind === 'message' ? `\nIts last message:\n${last.content}` : '';
}
