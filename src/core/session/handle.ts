import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type {
  CatchUp,
  CommandResult,
  SessionHandle,
  SessionSnapshot,
  SubmitOptions,
  TurnOutcome,
} from '../api.js';
import type { OctoConfig } from '../config/index.js';
import { SessionContext } from '../context/index.js';
import type { BudgetFacts, BudgetLimit, ContextBreakdown, EventBus } from '../events.js';
import { assertNever, getErrorMessage, isOctoError, OctoError } from '../errors.js';
import type {
  AttachmentRef,
  LockHolder,
  NewRecord,
  SessionRecord,
  SessionStore,
  SessionSummary,
  SessionWriter,
} from '../store/index.js';
import type { Redactor } from '../text/index.js';
import type { ToolSet } from '../tools/index.js';
import { tokenCachePath, type TokenCounter } from '../tokens/index.js';
import { mediaPath, readAttachment, saveMedia } from './media.js';
import type { ModelService } from '../provider/index.js';
import { runSessionCommand, type CommandServices } from '../commands/index.js';
import type { ScheduleTarget } from '../jobs/index.js';
import type { ProjectLink } from './project-link.js';
import { RecordLog, type RecordAccess } from './record-log.js';
import { sameSummary, summarize } from './summary.js';
import { runTurn, settleError } from './turn.js';

export interface HandleDeps {
  bus: EventBus;
  config: OctoConfig;
  store: SessionStore;
  tools: ToolSet;
  redactor: Redactor;
  models: ModelService;
  systemPrompt: (projectDir: string) => string;
  /** The workspace's token counter (one tokenizer thread for all sessions). */
  counter: TokenCounter;
  /** The data folder, for the per-session token cache. */
  dataDir: string;
  /** MCP servers, schedules and jobs, for /mcp, /schedule and /jobs. */
  services?: CommandServices;
}

/** One open session: the only place its turn loop runs (one turn at a time). */
export class OpenSession implements SessionHandle {
  readonly id: string;
  private current: SessionSummary;
  private controller: AbortController | null = null;
  private running: Promise<TurnOutcome> | null = null;
  private readonly mediaUrls = new Map<string, string>();
  private project: ProjectLink | null = null;
  private readonly closers: Array<() => Promise<void> | void> = [];
  private readonly ctx: SessionContext;
  private readonly log: RecordLog;

  constructor(
    private readonly deps: HandleDeps,
    access: RecordAccess,
    summary: SessionSummary,
  ) {
    this.id = summary.id;
    this.current = summary;
    this.log = new RecordLog(summary.id, deps.bus, access);
    this.ctx = new SessionContext({
      sessionId: summary.id,
      bus: deps.bus,
      // Read at each use: the project's compression model applies once approved in the workspace.
      get config() {
        return deps.config;
      },
      counter: deps.counter,
      models: deps.models,
      cacheFile: tokenCachePath(deps.dataDir, summary.id),
      records: () => this.records(),
      writer: () => this.log.writer(),
      systemPrompt: () => deps.systemPrompt(this.current.projectDir),
      tools: () => deps.tools.schemas(),
      model: () => this.current.model,
      loadMedia: (ref) => {
        const writer = this.log.writer();
        return writer === null ? Promise.reject(this.readOnlyError()) : this.loadMedia(writer, ref);
      },
    });
  }

  get readOnly(): boolean {
    return this.log.readOnly;
  }

  get holder(): LockHolder | null {
    return this.log.holder;
  }

  summary(): SessionSummary {
    return this.current;
  }

  records(): readonly SessionRecord[] {
    return this.log.records();
  }

  snapshot(): SessionSnapshot {
    const { version, records } = this.log.snapshot();
    return {
      sessionId: this.id,
      version,
      summary: this.current,
      records,
      readOnly: this.readOnly,
      holder: this.holder,
      busy: this.isBusy(),
      context: this.context(),
      staleFiles: this.staleFiles(),
      catchUp: this.catchUp(),
    };
  }

  /** Ties a session open for writing to its project (watcher, stale files, catch-up, notes); a move relinks it. */
  async linkProject(link: ProjectLink | null): Promise<void> {
    const previous = this.project;
    this.project = link;
    await previous?.close();
  }

  /** Runs when the handle closes (a read-only view's file watch). */
  onClose(closer: () => Promise<void> | void): void {
    this.closers.push(closer);
  }

  staleFiles(): string[] {
    return this.project?.staleFiles() ?? [];
  }

  catchUp(): CatchUp | null {
    return this.project?.catchUp() ?? null;
  }

  /** A read-only view follows its writer: the file changed, here is what it holds now. */
  refreshReadOnly(records: readonly SessionRecord[], holder: LockHolder | null): void {
    if (!this.log.readOnly) return;
    this.log.replace(records, holder);
    this.current = { ...summarize(this.id, records, this.current.contextTokens), order: this.current.order };
    this.deps.bus.emit('session.updated', { summary: this.current });
  }

  isBusy(): boolean {
    return this.running !== null || this.ctx.busy();
  }

  model(): string {
    return this.current.model;
  }

  context(): ContextBreakdown {
    return this.ctx.breakdown();
  }

  limits(): BudgetFacts[] {
    return this.ctx.limits(this.current);
  }

  raiseLimit(limit: BudgetLimit, max: number): void {
    this.ctx.raiseLimit(limit, max);
  }

  continueTurn(): Promise<TurnOutcome> {
    return this.begin(null, {});
  }

  submit(text: string, options: SubmitOptions = {}): Promise<TurnOutcome> {
    return this.begin(text, options);
  }

  private async begin(text: string | null, options: SubmitOptions): Promise<TurnOutcome> {
    const turnId = randomUUID();
    if (this.isBusy())
      return this.refuse(turnId, new OctoError('turn_busy', 'A turn is already running in this session.'));
    const writer = this.log.writer();
    if (writer === null) return this.refuse(turnId, this.readOnlyError());
    const controller = new AbortController();
    this.controller = controller;
    const turn = this.startTurn(writer, turnId, text, options, controller.signal);
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
    const { bus } = this.deps;
    const base = { sessionId: this.id, turnId: outcome.turnId };
    switch (outcome.status) {
      case 'finished':
        bus.emit('turn.finished', {
          ...base,
          steps: outcome.steps ?? 0,
          finishReason: outcome.finishReason ?? null,
        });
        return;
      case 'interrupted':
        bus.emit('turn.interrupted', { ...base, reason: 'user' });
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

  interrupt(): void {
    this.controller?.abort();
    this.ctx.abort();
  }

  async command(line: string): Promise<CommandResult> {
    return runSessionCommand(line, {
      sessionId: this.id,
      ...(this.deps.services === undefined ? {} : { services: this.deps.services }),
      ...(this.readOnly ? {} : { scheduleTarget: this.scheduleTarget() }),
      readOnly: this.readOnly,
      busy: this.isBusy(),
      currentModel: this.current.model,
      config: this.deps.config,
      summary: () => this.current,
      records: () => this.records(),
      context: this.ctx,
      resolve: (model) => this.deps.models.resolve(model),
      append: (record) => this.appendAndSave(record),
      update: async (seq, patch) => {
        const writer = this.log.writer();
        if (writer === null) throw this.readOnlyError();
        await writer.update(seq, patch);
      },
      updateMany: async (seqs, patch) => {
        const writer = this.log.writer();
        if (writer === null) throw this.readOnlyError();
        await writer.updateMany(seqs, patch);
      },
      refresh: async () => {
        await this.saveSummary();
      },
    });
  }

  /** Where /schedule sends its text: this session, once no turn runs. */
  private scheduleTarget(): ScheduleTarget {
    return {
      sessionId: this.id,
      isBusy: () => this.isBusy(),
      whenIdle: async () => {
        while (this.running !== null) await this.running;
      },
      submit: (text) => this.submit(text),
    };
  }

  /** Appends records outside a turn (commands, repairs) and refreshes the summary. */
  async appendAndSave(record: NewRecord): Promise<void> {
    const writer = this.log.writer();
    if (writer === null) throw this.readOnlyError();
    await writer.append(record);
    await this.saveSummary();
  }

  async close(): Promise<void> {
    if (this.running !== null) {
      this.interrupt();
      await this.running;
    }
    await this.ctx.close();
    await this.project?.close();
    for (const closer of this.closers.splice(0)) await closer();
    await this.log.writer()?.close();
  }

  async saveSummary(): Promise<SessionSummary> {
    return this.putSummary(this.freshSummary());
  }

  /**
   * On opening: saves the summary unless the index already holds exactly it as its most recent session
   * (resuming the latest session, the common case), so that opening then writes nothing.
   */
  async saveSummaryUnlessStored(stored: SessionSummary, newest: boolean): Promise<SessionSummary> {
    const fresh = this.freshSummary();
    if (!newest || !sameSummary(fresh, stored)) return this.putSummary(fresh);
    this.current = stored;
    return stored;
  }

  private freshSummary(): SessionSummary {
    return summarize(this.id, this.records(), this.ctx.breakdown(false).total);
  }

  private async putSummary(fresh: SessionSummary): Promise<SessionSummary> {
    this.current = await this.deps.store.putSummary(fresh);
    this.deps.bus.emit('session.updated', { summary: this.current });
    return this.current;
  }

  private async startTurn(
    writer: SessionWriter,
    turnId: string,
    text: string | null,
    options: SubmitOptions,
    signal: AbortSignal,
  ): Promise<TurnOutcome> {
    const { bus } = this.deps;
    bus.emit('turn.started', { sessionId: this.id, turnId });
    try {
      // A custom command (/run) may name a model for its one turn; the session's model stays.
      const model = this.deps.models.resolve(options.model ?? this.current.model);
      const attachments = await this.prepareAttachments(writer, options.attachments ?? [], model);
      const outcome = await runTurn(
        {
          sessionId: this.id,
          turnId,
          writer,
          bus,
          config: this.deps.config,
          projectDir: this.current.projectDir,
          tools: this.deps.tools,
          redactor: this.deps.redactor,
          beforeRequest: () => this.writeProjectNotes(writer),
          prepareRequest: (summary) => this.ctx.prepareRequest(summary, turnId, model, signal),
          client: () => this.deps.models.client(),
          costOf: (result) => this.deps.models.cost(model, result.usage ?? null, result.providerCost),
          saveSummary: () => this.saveSummary(),
          signal,
        },
        { text, attachments, model },
      );
      return outcome;
    } catch (error) {
      return settleError(turnId, error, signal, '');
    } finally {
      await this.refreshSummaryAfterTurn();
    }
  }

  private emitFailed(turnId: string, error: OctoError): void {
    this.deps.bus.emit('turn.failed', {
      sessionId: this.id,
      turnId,
      code: error.code,
      message: error.message,
    });
  }

  private async refreshSummaryAfterTurn(): Promise<void> {
    try {
      await this.saveSummary();
    } catch (error) {
      // The session file is the truth and is intact; the index is a cache `octo doctor --reindex` rebuilds.
      this.deps.bus.emit('turn.failed', {
        sessionId: this.id,
        turnId: 'summary',
        code: isOctoError(error) ? error.code : 'store_io',
        message: `The session list could not be updated: ${getErrorMessage(error)}`,
      });
    }
  }

  private async prepareAttachments(
    writer: SessionWriter,
    files: readonly string[],
    model: ReturnType<ModelService['resolve']>,
  ): Promise<AttachmentRef[]> {
    const refs: AttachmentRef[] = [];
    for (const file of files) {
      const { ref, data } = await readAttachment(file);
      if (ref.type === 'video' && !this.deps.models.acceptsVideo(model)) {
        throw new OctoError(
          'attachment_invalid',
          `${ref.name} is a video, and ${model.modelString} cannot take video. Use a video-capable model, or set [providers.${model.provider.name}.models."${model.modelId}"] video = true if it can.`,
        );
      }
      if (ref.type === 'image' && !this.deps.models.acceptsImages(model)) {
        throw new OctoError(
          'attachment_invalid',
          `${ref.name} is an image, and ${model.modelString} is not known to take images. Set [providers.${model.provider.name}.models."${model.modelId}"] vision = true if it can.`,
        );
      }
      await saveMedia(writer.mediaDir(), ref, data);
      this.mediaUrls.set(ref.sha256, `data:${ref.mime};base64,${data.toString('base64')}`);
      refs.push(ref);
    }
    return refs;
  }

  private async loadMedia(writer: SessionWriter, ref: AttachmentRef): Promise<string> {
    const cached = this.mediaUrls.get(ref.sha256);
    if (cached !== undefined) return cached;
    const data = await readFile(mediaPath(writer.mediaDir(), ref));
    const url = `data:${ref.mime};base64,${data.toString('base64')}`;
    this.mediaUrls.set(ref.sha256, url);
    return url;
  }

  private async writeProjectNotes(writer: SessionWriter): Promise<void> {
    for (const note of (await this.project?.notes()) ?? []) await writer.append(note);
  }

  private readOnlyError(): OctoError {
    const holder = this.holder;
    const who = holder ? ` by process ${holder.pid} since ${holder.since}` : '';
    return new OctoError(
      'session_locked',
      `Session ${this.current.name} is open for writing${who}; this view is read-only.`,
      {
        details: { holder },
      },
    );
  }

  private refuse(turnId: string, error: OctoError): TurnOutcome {
    this.emitFailed(turnId, error);
    return { status: 'failed', turnId, reply: '', error };
  }
}
