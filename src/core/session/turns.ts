import { randomUUID } from 'node:crypto';
import type { SubmitOptions, TurnOutcome } from '../api.js';
import type { OctoConfig } from '../config/schema.js';
import type { SessionContext } from '../context/index.js';
import { assertNever, OctoError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { SessionWriter } from '../store/types.js';
import type { Redactor } from '../text/index.js';
import type { ToolSet } from '../tools/index.js';
import type { MediaCache } from './media-cache.js';
import type { ModelService } from '../provider/index.js';
import type { RecordLog } from './record-log.js';
import type { SummaryKeeper } from './summary-keeper.js';
import { runTurn, settleError } from './turn.js';
import type { NewRecord } from '../store/index.js';

export interface TurnsDeps {
  id: string;
  bus: EventBus;
  config: OctoConfig;
  tools: ToolSet;
  redactor: Redactor;
  models: ModelService;
  log: RecordLog;
  summary: SummaryKeeper;
  media: MediaCache;
  ctx: SessionContext;
  /** What the model must hear of the project before the next request (written as records first). */
  projectNotes(): Promise<NewRecord[]>;
  /** Why a read-only view refuses to run a turn. */
  readOnlyError(): OctoError;
  /** Fails (store_unwritable, naming the folder) when the data folder cannot be written. */
  assertWritable(): Promise<void>;
}

/**
 * The turns of one session, one at a time: starting one (or refusing it), cancelling it, and
 * announcing how it ended once the session is idle again.
 */
export class Turns {
  private controller: AbortController | null = null;
  private running: Promise<TurnOutcome> | null = null;
  /** The session is closing: a turn interrupted now was not cancelled by anyone. */
  private closing = false;

  constructor(private readonly deps: TurnsDeps) {}

  /** A turn or the session's compression is running. */
  busy(): boolean {
    return this.running !== null || this.deps.ctx.busy();
  }

  /** Settles once no turn runs. */
  async whenIdle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  /** Cancels the running turn (its partial reply is kept, marked interrupted) and any compression. */
  interrupt(): void {
    this.controller?.abort();
    this.deps.ctx.abort();
  }

  /** Interrupts a running turn as the session closes, and waits for it to be saved. */
  async stop(): Promise<void> {
    if (this.running === null) return;
    this.closing = true;
    this.interrupt();
    await this.running;
  }

  /** Runs one turn: with `text` a new user message, without it the conversation as it stands. */
  async run(text: string | null, options: SubmitOptions): Promise<TurnOutcome> {
    const turnId = randomUUID();
    if (this.busy())
      return this.refuse(turnId, new OctoError('turn_busy', 'A turn is already running in this session.'));
    const writer = this.deps.log.writer();
    if (writer === null) return this.refuse(turnId, this.deps.readOnlyError());
    const controller = new AbortController();
    this.controller = controller;
    const turn = this.start(writer, turnId, text, options, controller.signal);
    this.running = turn;
    let outcome: TurnOutcome;
    try {
      outcome = await turn;
    } finally {
      this.running = null;
      this.controller = null;
    }
    // Announced only once the session is idle, so a listener that reacts by submitting again is accepted.
    this.announce(outcome);
    return outcome;
  }

  private announce(outcome: TurnOutcome): void {
    const { bus, id } = this.deps;
    const base = { sessionId: id, turnId: outcome.turnId };
    switch (outcome.status) {
      case 'finished':
        bus.emit('turn.finished', {
          ...base,
          steps: outcome.steps ?? 0,
          finishReason: outcome.finishReason ?? null,
        });
        return;
      case 'interrupted':
        bus.emit('turn.interrupted', { ...base, reason: this.closing ? 'closed' : 'user' });
        return;
      case 'failed':
        if (outcome.error) this.emitFailed(outcome.turnId, outcome.error);
        if (outcome.error?.details.partial !== undefined)
          bus.emit('turn.interrupted', { ...base, reason: 'error' });
        return;
      default:
        assertNever(outcome.status, 'turn status');
    }
  }

  private async start(
    writer: SessionWriter,
    turnId: string,
    text: string | null,
    options: SubmitOptions,
    signal: AbortSignal,
  ): Promise<TurnOutcome> {
    const { bus, id, models, summary, ctx, log } = this.deps;
    bus.emit('turn.started', { sessionId: id, turnId });
    // The provider's client (the openai package, loaded on first use) is compiled while the user
    // message and the summary are flushed to disk, instead of after; a failure is the request's to report.
    models.client().catch(() => undefined);
    const lastSeq = log.records().at(-1)?.seq;
    try {
      // A custom command (/run) may name a model for its one turn; the session's model stays.
      const model = models.resolve(options.model ?? summary.get().model);
      // Refused before the user message is written, rather than half saved (docs/faults.md row 5).
      await this.deps.assertWritable();
      const attachments = await this.deps.media.prepare(writer, options.attachments ?? [], model);
      return await runTurn(
        {
          sessionId: id,
          turnId,
          writer,
          bus,
          config: this.deps.config,
          projectDir: summary.get().projectDir,
          tools: this.deps.tools,
          redactor: this.deps.redactor,
          beforeRequest: async () => {
            for (const note of await this.deps.projectNotes()) await writer.append(note);
          },
          prepareRequest: (current) => ctx.prepareRequest(current, turnId, model, signal),
          client: () => models.client(),
          costOf: (result) => models.cost(model, result.usage ?? null, result.providerCost),
          saveSummary: () => summary.save(),
          signal,
        },
        { text, attachments, model },
      );
    } catch (error) {
      return settleError(turnId, error, signal, '');
    } finally {
      // A turn refused before it wrote anything changed nothing the summary shows.
      if (log.records().at(-1)?.seq !== lastSeq) await summary.saveAfterTurn();
    }
  }

  private emitFailed(turnId: string, error: OctoError): void {
    this.deps.bus.emit('turn.failed', {
      sessionId: this.deps.id,
      turnId,
      code: error.code,
      message: error.message,
    });
  }

  private refuse(turnId: string, error: OctoError): TurnOutcome {
    this.emitFailed(turnId, error);
    return { status: 'failed', turnId, reply: '', error };
  }
}
