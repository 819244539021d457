import type { EventBus, OctoEvents } from '../events.js';
import { plural } from '../text/index.js';
import { ZERO_USAGE, type CompactionTrigger } from '../store/index.js';
import type { JobManager, RunningJob } from './job-manager.js';

/**
 * Shows each compression (automatic, /summarize, /done) as a job of kind 'compression', from the
 * context domain's events, so that domain needs no knowledge of jobs. Returns the unsubscriber.
 * A cancelled compression ends through 'context.compactionInterrupted', like any interrupted one.
 */
export function trackCompressions(
  bus: EventBus,
  jobs: JobManager,
  /** Cancelling the job interrupts the session's work (the summary call is part of it). */
  interrupt: (sessionId: string) => void,
): () => void {
  // A session compresses one at a time (SessionContext.exclusive): one running job per session.
  const running = new Map<string, RunningJob>();
  const take = (sessionId: string): RunningJob | undefined => {
    const job = running.get(sessionId);
    running.delete(sessionId);
    return job;
  };
  const offs = [
    bus.on('context.compacting', ({ sessionId, trigger, level, tokens }) => {
      take(sessionId)?.fail('Superseded by a newer compression');
      const job = jobs.start({ kind: 'compression', title: compressionTitle(trigger, level), sessionId });
      job.progress(`summarising ${formatTokens(tokens)} tokens`);
      job.signal.addEventListener('abort', () => interrupt(sessionId), { once: true });
      running.set(sessionId, job);
    }),
    bus.on('context.compacted', (event: OctoEvents['context.compacted']) => {
      const job = take(event.sessionId);
      if (job === undefined) return;
      const by =
        event.form === 'octo' ? ', by octo without a model' : event.form === 'prose' ? ', from prose' : '';
      const activity = `${formatTokens(event.tokensBefore)} → ${formatTokens(event.tokensAfter)} tokens, ${plural(event.messages, 'message')}${by}`;
      if (event.usage !== undefined || event.cost !== null) {
        job.progress(activity, {
          usage: event.usage ?? ZERO_USAGE,
          cost: event.cost,
        });
      }
      job.finish(activity);
    }),
    bus.on('context.compactionProgress', ({ sessionId, activity }) =>
      running.get(sessionId)?.progress(activity),
    ),
    bus.on('context.compactionFailed', ({ sessionId, reason, usage, cost }) => {
      const job = take(sessionId);
      // A failed attempt that was billed shows what it cost on its row.
      if (usage !== undefined || (cost !== undefined && cost !== null && cost > 0))
        job?.progress('failed', { usage: usage ?? ZERO_USAGE, cost: cost ?? null });
      job?.fail(reason);
    }),
    bus.on('context.compactionInterrupted', ({ sessionId }) => take(sessionId)?.cancelled()),
  ];
  return () => {
    for (const off of offs) off();
  };
}

/** "compress context (auto, past 60k)", "compress context (/summarize)". */
export function compressionTitle(trigger: CompactionTrigger, level: number | null): string {
  if (trigger !== 'auto') return `compress context (/${trigger})`;
  return level === null ? 'compress context (auto)' : `compress context (auto, past ${formatTokens(level)})`;
}

function formatTokens(tokens: number): string {
  return tokens >= 1000 ? `${Math.round(tokens / 1000)}k` : String(tokens);
}
