import type {
  CatchUp,
  CommandResult,
  SessionHandle,
  SessionSnapshot,
  SubmitOptions,
  TurnOutcome,
} from '../api.js';
import type { CommandServices } from '../commands/index.js';
import type { OctoConfig } from '../config/index.js';
import { messagesInContext, SessionContext } from '../context/index.js';
import { getErrorMessage, OctoError } from '../errors.js';
import type { BudgetFacts, BudgetLimit, ContextBreakdown, EventBus } from '../events.js';
import type {
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
import type { ModelService } from '../provider/index.js';
import { MediaCache } from './media-cache.js';
import type { ProjectLink } from './project-link.js';
import { RecordLog, type RecordAccess } from './record-log.js';
import {
  earlierForContext,
  resumeFromSeq,
  resumePointPath,
  writeResumePoint,
  type ResumePoint,
} from './resume-point.js';
import { runCommand } from './session-commands.js';
import { SummaryKeeper } from './summary-keeper.js';
import { Turns } from './turns.js';

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

/**
 * One open session, as the workspace API's handle: its records (record-log.ts), summary
 * (summary-keeper.ts), context (context/), turns (turns.ts), attachments (media-cache.ts), commands
 * (session-commands.ts) and its tie to the project (project-link.ts), put together.
 */
export class OpenSession implements SessionHandle {
  readonly id: string;
  private project: ProjectLink | null = null;
  private readonly closers: Array<() => Promise<void> | void> = [];
  private readonly log: RecordLog;
  private readonly keeper: SummaryKeeper;
  private readonly ctx: SessionContext;
  private readonly turns: Turns;

  /**
   * Opened from its resume point (a long session resumed): the records before the loaded ones are
   * not read; the point holds their summary and the knowledge among them. Null once all are loaded.
   */
  private readonly resumed: ResumePoint | null;

  constructor(
    private readonly deps: HandleDeps,
    access: RecordAccess,
    summary: SessionSummary,
    resumed: ResumePoint | null = null,
  ) {
    this.id = summary.id;
    const log = new RecordLog(summary.id, deps.bus, access);
    const media = new MediaCache(deps.models);
    this.log = log;
    this.resumed = resumed;
    this.keeper = new SummaryKeeper(
      {
        id: summary.id,
        bus: deps.bus,
        store: deps.store,
        records: () => log.records(),
        contextTokens: () => this.ctx.breakdown({ prepareCounts: false }).total,
        base: () => {
          const point = this.partial();
          return point === null ? null : { summary: point.summary, upToSeq: point.lastSeq };
        },
      },
      summary,
    );
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
      records: () => this.contextRecords(),
      writer: () => log.writer(),
      systemPrompt: () => deps.systemPrompt(this.keeper.get().projectDir),
      tools: () => deps.tools.schemas(),
      model: () => this.keeper.get().model,
      loadMedia: (ref) => {
        const writer = log.writer();
        return writer === null ? Promise.reject(this.readOnlyError()) : media.load(writer, ref);
      },
    });
    this.turns = new Turns({
      id: summary.id,
      bus: deps.bus,
      // Read at each turn, like the context's: a project's settings apply once approved.
      get config() {
        return deps.config;
      },
      tools: deps.tools,
      redactor: deps.redactor,
      models: deps.models,
      log,
      summary: this.keeper,
      media,
      ctx: this.ctx,
      projectNotes: async () => (await this.project?.notes()) ?? [],
      readOnlyError: () => this.readOnlyError(),
      assertWritable: () => deps.store.assertWritable(),
    });
  }

  get readOnly(): boolean {
    return this.log.readOnly;
  }

  get holder(): LockHolder | null {
    return this.log.holder;
  }

  /** The writer that died holding this session when this handle took it over (kill -9, a crash), else null. */
  tookOverFrom(): LockHolder | null {
    return this.log.writer()?.tookOverFrom() ?? null;
  }

  summary(): SessionSummary {
    return this.keeper.get();
  }

  records(): readonly SessionRecord[] {
    return this.log.records();
  }

  earlierRecords(): number {
    return this.partial()?.earlierCount ?? 0;
  }

  loadEarlier(): Promise<void> {
    return this.log.loadEarlier();
  }

  snapshot(): SessionSnapshot {
    const { version, records } = this.log.snapshot();
    return {
      sessionId: this.id,
      version,
      summary: this.keeper.get(),
      records,
      earlierRecords: this.earlierRecords(),
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
    this.keeper.follow(records);
  }

  isBusy(): boolean {
    return this.turns.busy();
  }

  model(): string {
    return this.keeper.get().model;
  }

  context(): ContextBreakdown {
    return this.ctx.breakdown();
  }

  limits(): BudgetFacts[] {
    return this.ctx.limits(this.keeper.get());
  }

  raiseLimit(limit: BudgetLimit, max: number): void {
    this.ctx.raiseLimit(limit, max);
  }

  continueTurn(): Promise<TurnOutcome> {
    return this.turns.run(null, {});
  }

  submit(text: string, options: SubmitOptions = {}): Promise<TurnOutcome> {
    return this.turns.run(text, options);
  }

  interrupt(): void {
    this.turns.interrupt();
  }

  command(line: string): Promise<CommandResult> {
    return runCommand(line, {
      id: this.id,
      config: this.deps.config,
      models: this.deps.models,
      services: this.deps.services,
      log: this.log,
      records: () => this.contextRecords(),
      summary: this.keeper,
      turns: this.turns,
      ctx: this.ctx,
      appendAndSave: (record) => this.appendAndSave(record),
      submit: (text) => this.submit(text),
      readOnlyError: () => this.readOnlyError(),
    });
  }

  /** Appends records outside a turn (commands, repairs) and refreshes the summary. */
  async appendAndSave(record: NewRecord): Promise<void> {
    const writer = this.log.writer();
    if (writer === null) throw this.readOnlyError();
    await writer.append(record);
    await this.keeper.save();
  }

  async close(): Promise<void> {
    await this.turns.stop();
    await this.ctx.close();
    await this.project?.close();
    for (const closer of this.closers.splice(0)) await closer();
    const writer = this.log.writer();
    if (writer === null) return;
    const summary = this.keeper.fresh();
    await writer.close();
    await this.leaveResumePoint(writer, summary);
  }

  /**
   * What the next open of this session reads instead of the whole file (resume-point.ts). Only a
   * cache: when it cannot be written the next open reads everything, and says nothing.
   */
  private async leaveResumePoint(writer: SessionWriter, summary: SessionSummary): Promise<void> {
    const state = writer.closedState();
    const file = resumePointPath(this.deps.dataDir, this.id);
    const records = this.contextRecords();
    const loaded = this.log.records();
    const last = loaded.at(-1);
    if (state === null || last === undefined) return;
    const fromSeq = resumeFromSeq(loaded, messagesInContext(records)[0]?.seq ?? null);
    const before = loaded.filter((record) => record.seq < fromSeq).length;
    try {
      const tailSha256 = await writer.closedTailDigest(fromSeq);
      await writeResumePoint(file, {
        version: 1,
        state,
        fromSeq,
        ...(tailSha256 === null ? {} : { tailSha256 }),
        lastSeq: last.seq,
        earlierCount: this.earlierRecords() + before,
        summary,
        earlier: earlierForContext(records, fromSeq),
      });
    } catch (error) {
      this.deps.bus.emit('store.warning', {
        warning: { kind: 'storeIssue', path: file, message: `Resume point: ${getErrorMessage(error)}` },
      });
    }
  }

  /** The resume point while the records before it are not loaded; null once they are (or without one). */
  private partial(): ResumePoint | null {
    const writer = this.log.writer();
    return this.resumed !== null && writer !== null && writer.loadedFrom() !== null ? this.resumed : null;
  }

  /** What the context is made of: the loaded records, after the knowledge from before them. */
  private contextRecords(): readonly SessionRecord[] {
    const point = this.partial();
    const records = this.log.records();
    return point === null ? records : [...point.earlier, ...records];
  }

  async saveSummary(): Promise<SessionSummary> {
    return this.keeper.save();
  }

  /** On opening: see SummaryKeeper.saveUnlessStored. */
  async saveSummaryUnlessStored(
    stored: SessionSummary,
    options: { newest: boolean },
  ): Promise<SessionSummary> {
    return this.keeper.saveUnlessStored(stored, options);
  }

  private readOnlyError(): OctoError {
    const holder = this.holder;
    const who = holder ? ` by process ${holder.pid} since ${holder.since}` : '';
    return new OctoError(
      'session_locked',
      `Session ${this.keeper.get().name} is open for writing${who}; this view is read-only.`,
      { details: { holder } },
    );
  }
}
