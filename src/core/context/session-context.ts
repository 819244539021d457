import type { OctoConfig } from '../config/index.js';
import { OctoError, getErrorMessage, isAbortError } from '../errors.js';
import type { BudgetFacts, BudgetLimit, ContextBreakdown, EventBus } from '../events.js';
import type { ChatMessage, ModelService, ResolvedModel, ToolSchema } from '../provider/index.js';
import type { MediaLoader } from './request.js';
import { ZERO_USAGE, type SessionRecord, type SessionSummary, type SessionWriter } from '../store/index.js';
import { readTokenCache, writeTokenCache, type TokenCounter, type TokenEncoding } from '../tokens/index.js';
import { assemble, type Assembly } from './assemble.js';
import { chatMessages } from './chat.js';
import { runCompaction, type CompactionDeps, type CompactionOutcome } from './compaction.js';
import { levelPassed, nextCompactionAt, pressureLevels, usableWindow, type PressureLevel } from './levels.js';
import { compressionPause, isPaused } from './pause.js';
import { contextFigure, reportedAnchor, type ContextFigure } from './reported.js';
import { BUDGET_WARNING_SHARE } from './budget.js';
import { BudgetGuard } from './limits.js';
import { ContextMeter, type Measured } from './measure.js';
import { modelFacts, type ModelFacts } from './model-facts.js';

export interface SessionContextDeps {
  sessionId: string;
  bus: EventBus;
  config: OctoConfig;
  counter: TokenCounter;
  models: ModelService;
  /** This session's file of exact counts. */
  cacheFile: string;
  records(): readonly SessionRecord[];
  /** Null for a read-only view: it measures, but never compacts or writes. */
  writer(): SessionWriter | null;
  systemPrompt(): string;
  tools(): ToolSchema[];
  /** The session's model string. */
  model(): string;
  loadMedia: MediaLoader;
}

export type PreparedRequest = { ok: true; messages: ChatMessage[] } | { ok: false; error: OctoError };

/**
 * The context of one open session: what the next request holds, its measure, automatic compression
 * before model calls, compression on demand, and the spending limits.
 */
export class SessionContext {
  private readonly meter: ContextMeter;
  private readonly guard: BudgetGuard;
  private readonly offCounted: () => void;
  private cacheLoaded: Promise<void> | null = null;
  /** Background counting being prepared (cache read, keys made in slices). */
  private warming: Promise<void> | null = null;
  /** What the last preparation was for (the records and tools it saw): it is not repeated for the same. */
  private prepared: string | null = null;
  private countsChanged = false;
  /** The turn whose automatic compression failed or found nothing: it is not tried again in that turn unless it must fit. */
  private settledTurn: string | null = null;
  private controller: AbortController | null = null;
  private work: Promise<unknown> | null = null;
  /** Summarising models that refused `response_format` in this session. */
  private readonly formatRefused = new Set<string>();

  constructor(private readonly deps: SessionContextDeps) {
    this.meter = new ContextMeter(deps.counter);
    this.guard = new BudgetGuard(deps.config.limits, deps.bus, deps.sessionId);
    this.offCounted = deps.counter.onCounted(() => {
      this.countsChanged = true;
      deps.bus.emit('context.changed', {
        sessionId: deps.sessionId,
        breakdown: this.breakdown({ prepareCounts: false }),
      });
    });
  }

  assembly(): Assembly {
    return assemble(
      this.deps.records(),
      this.deps.systemPrompt(),
      this.deps.config.compression.knowledge_retention,
    );
  }

  /**
   * The measure for display: exact where counted (or cached), estimated elsewhere. Unless told not to
   * (`prepareCounts: false`), the counts the next request will need are prepared in the background:
   * the cache is read, and the tokenizer is started only when the byte bound says the next turn must
   * decide on exact counts (start-up cost, README "Performance": for display alone it never starts; its
   * encoder costs 0.4 s of a core and ~90 MB).
   */
  measured(options: { prepareCounts: boolean } = { prepareCounts: true }): {
    assembly: Assembly;
    measured: Measured;
    facts: ModelFacts;
  } {
    const facts = this.facts();
    const assembly = this.assembly();
    const tools = this.deps.tools();
    const measured = this.meter.measure(assembly, tools, facts.encoding, 'peek');
    const key = `${facts.encoding}|${this.deps.records().length}|${assembly.messages.length}|${tools.length}`;
    if (options.prepareCounts && !measured.exact && this.warming === null && this.prepared !== key) {
      this.prepared = key;
      this.warming = this.prepareCounts(facts, assembly).finally(() => (this.warming = null));
    }
    return { assembly, measured, facts };
  }

  /** How the figures are counted now: the encoding, whether all are exact, and why not when the tokenizer failed. */
  counting(): { encoding: TokenEncoding; exact: boolean; unavailable: string | null } {
    const { measured, facts } = this.measured({ prepareCounts: false });
    return { encoding: facts.encoding, exact: measured.exact, unavailable: this.deps.counter.failure() };
  }

  /**
   * The next request by kind, against the window. Its total is the provider's report plus octo's count
   * since, while a report stands (reported.ts); octo's own count otherwise.
   */
  breakdown(options: { prepareCounts: boolean } = { prepareCounts: true }): ContextBreakdown {
    const { measured: m, facts } = this.measured(options);
    const levels = pressureLevels(this.deps.config.compression, facts.window);
    const records = this.deps.records();
    const figure = contextFigure(m, reportedAnchor(records, this.deps.model()), facts.window);
    const ceiling = this.ceiling(facts);
    const pause = compressionPause(records, this.summariserModel(), levels, ceiling);
    // While a failure pauses it, automatic compression comes at the retry point (past the usable
    // window when none: octo then compresses without the model), not at the lowest level.
    const next = isPaused(pause, figure.total) ? (pause?.retryAt ?? ceiling) : nextCompactionAt(levels);
    return {
      system: m.system,
      tools: m.tools,
      knowledge: m.knowledge + m.summary,
      messages: m.messages,
      attachments: m.attachments,
      total: figure.total,
      window: facts.window,
      nextCompactionAt: next,
      summary: m.summary,
      exact: m.exact,
      levels,
      counted: figure.counted,
      ...(figure.reported === null ? {} : { reported: figure.reported }),
      ...(pause === null ? {} : { compression: pause }),
    };
  }

  /**
   * Everything before a model call of a turn: the session limits, automatic compression when the
   * context has passed a level, the request itself, and the per-request limit on its estimated cost.
   */
  async prepareRequest(
    summary: SessionSummary,
    turnId: string,
    model: ResolvedModel,
    signal: AbortSignal,
  ): Promise<PreparedRequest> {
    const over = this.guard.check(this.guard.sessionFacts(summary));
    if (over !== null) return { ok: false, error: over };
    await this.compactIfNeeded(turnId, signal);
    const overflow = await this.windowOverflow(model);
    if (overflow !== null) return { ok: false, error: overflow };
    const facts = this.facts();
    const assembly = this.assembly();
    const messages = await chatMessages(assembly, this.deps.loadMedia);
    const cost = await this.requestCost(model, assembly, facts);
    const overRequest = this.guard.check(this.guard.requestFacts(cost));
    if (overRequest !== null) return { ok: false, error: overRequest };
    await this.saveCounts();
    return { ok: true, messages };
  }

  /** /summarize and /done: compress now, outside a turn; interrupt() or close() stop the summary call. */
  compactNow(trigger: 'summarize' | 'done', focus: string): Promise<CompactionOutcome> {
    return this.exclusive(async (signal) => {
      const deps = await this.compactionDeps();
      if (deps === null) return { status: 'failed', reason: 'this view is read-only' };
      return this.afterCompaction(
        await runCompaction(deps, { trigger, level: null, focus, signal, mode: 'model' }),
      );
    });
  }

  limits(summary: SessionSummary): BudgetFacts[] {
    return this.guard.sessionFacts(summary);
  }

  raiseLimit(limit: BudgetLimit, max: number): void {
    this.guard.raise(limit, max);
  }

  /** Announces a change made outside compaction (/uncompress, /knowledge: then with what knowledge holds now). */
  changed(what: 'records' | 'knowledge'): void {
    const { sessionId, bus } = this.deps;
    if (what === 'knowledge')
      bus.emit('knowledge.changed', { sessionId, entries: this.assembly().entries.length });
    bus.emit('context.changed', { sessionId, breakdown: this.breakdown({ prepareCounts: false }) });
  }

  busy(): boolean {
    return this.work !== null;
  }

  /** Runs `task` as the session's one piece of model work outside a turn. */
  exclusive<T>(task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.work !== null)
      return Promise.reject(new OctoError('turn_busy', 'A compression is already running in this session.'));
    const controller = new AbortController();
    this.controller = controller;
    const run = task(controller.signal).finally(() => {
      this.work = null;
      this.controller = null;
    });
    this.work = run;
    return run;
  }

  abort(): void {
    this.controller?.abort();
  }

  /** Stops a running compression, waits for it to settle, saves the counts. */
  async close(): Promise<void> {
    this.abort();
    this.offCounted();
    const work = this.work;
    if (work !== null) await work.then(noop, noop);
    await this.saveCounts();
  }

  /**
   * Compresses before a model call when the context has passed a level: with the summariser, unless a
   * failure paused it (pause.ts); past the usable window, where the request would not fit, octo
   * compresses without the model when the summariser fails or is paused.
   */
  private async compactIfNeeded(turnId: string, signal: AbortSignal): Promise<void> {
    const facts = this.facts();
    const levels = pressureLevels(this.deps.config.compression, facts.window);
    const lowest = levels[0];
    if (lowest === undefined) return;
    const ceiling = this.ceiling(facts);
    const pause = compressionPause(this.deps.records(), this.summariserModel(), levels, ceiling);
    // While a failure pauses compression, nothing happens below its retry point and the window: no
    // need to count exactly (and load the tokenizer) to find that out.
    const floor =
      pause === null
        ? lowest.threshold
        : Math.max(lowest.threshold, Math.min((pause.retryAt ?? Infinity) - 1, ceiling ?? Infinity));
    if (floor === Infinity) return;
    const figure = await this.figure(facts, floor);
    if (figure === null) return;
    const level = levelPassed(levels, figure.total);
    const deps = level === null ? null : await this.compactionDeps();
    if (level === null || deps === null) return;
    const mustFit = ceiling !== null && figure.total > ceiling;
    // Once a turn's compression failed or found nothing, its later steps try again only if they must.
    if (this.settledTurn === turnId && !mustFit) return;
    const paused = isPaused(pause, figure.total);
    if (paused && !mustFit) {
      this.settledTurn = turnId;
      return;
    }
    const mode = paused ? 'octo' : mustFit ? 'model-or-octo' : 'model';
    const outcome = this.afterCompaction(
      await runCompaction(deps, { trigger: 'auto', level, focus: '', signal, mode, tokens: figure.total }),
    );
    if (outcome.status !== 'compacted') this.settledTurn = turnId;
  }

  /**
   * The context's size as the levels see it, or null when it is at most `floor` for sure. The byte
   * bound decides without the tokenizer whenever it can (a short session's turns never load it).
   */
  private async figure(facts: ModelFacts, floor: number): Promise<ContextFigure | null> {
    await this.loadCounts();
    const anchor = reportedAnchor(this.deps.records(), this.deps.model());
    const bound = this.meter.measure(this.assembly(), this.deps.tools(), facts.encoding, 'bound');
    if (contextFigure(bound, anchor, facts.window).total <= floor) return null;
    await this.deps.counter.ensure(
      facts.encoding,
      this.meter.items(this.assembly(), this.deps.tools(), facts.encoding),
    );
    this.countsChanged = true;
    const exact = this.meter.measure(this.assembly(), this.deps.tools(), facts.encoding, 'bound');
    const figure = contextFigure(exact, anchor, facts.window);
    return figure.total <= floor ? null : figure;
  }

  /**
   * Null when the request fits the window of the model it goes to; else the error that stops the
   * turn, naming the numbers. Reached only when compression could not bring the context under it
   * (compression off, or the latest turn alone too large). An unknown window is not guarded.
   */
  private async windowOverflow(model: ResolvedModel): Promise<OctoError | null> {
    const window = this.deps.models.contextWindow(model);
    if (window === null) return null;
    const figure = await this.figure(this.facts(), window);
    if (figure === null) return null;
    const why = this.deps.config.compression.enabled
      ? 'compression could not make it fit: only the latest turn is left, or the summary failed'
      : 'compression is off ([compression] enabled = false)';
    return new OctoError(
      'context_overflow',
      `The request would be ${figure.total.toLocaleString('en-US')} tokens, over the ${window.toLocaleString('en-US')}-token window of ${model.modelString} (${why}). Nothing was sent. Start a new session, /uncompress less, or use a model with a larger window.`,
      { details: { tokens: figure.total, window, model: model.modelString } },
    );
  }

  /** The usable window of the session's model (its window minus the reply reserve), when known. */
  private ceiling(facts: ModelFacts): number | null {
    return usableWindow(facts.window, this.deps.config.compression.reply_reserve);
  }

  private summariserModel(): string {
    return this.deps.config.compression.model ?? this.deps.model();
  }

  /**
   * What the request's prompt would cost, uncached. Exact counts are awaited only when the byte bound
   * comes near the per-request limit: elsewhere the bound already shows it is far below.
   */
  private async requestCost(
    model: ResolvedModel,
    assembly: Assembly,
    facts: ModelFacts,
  ): Promise<number | null> {
    const max = this.guard.requestMax();
    if (max === null) return null;
    const tools = this.deps.tools();
    const costOf = (tokens: number): number | null =>
      this.deps.models.cost(
        model,
        { input: tokens, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
        null,
      );
    const bound = costOf(this.meter.measure(assembly, tools, facts.encoding, 'bound').total);
    if (!nearLimit(bound, max)) return bound;
    await this.deps.counter.ensure(facts.encoding, this.meter.items(assembly, tools, facts.encoding));
    this.countsChanged = true;
    return costOf(this.meter.measure(assembly, tools, facts.encoding, 'bound').total);
  }

  private afterCompaction(outcome: CompactionOutcome): CompactionOutcome {
    if (outcome.status === 'compacted') {
      this.countsChanged = true;
      this.deps.bus.emit('context.changed', {
        sessionId: this.deps.sessionId,
        breakdown: this.breakdown({ prepareCounts: false }),
      });
    }
    return outcome;
  }

  private async compactionDeps(): Promise<CompactionDeps | null> {
    const writer = this.deps.writer();
    if (writer === null) return null;
    await this.loadCounts();
    const { sessionId, bus, config, counter, models } = this.deps;
    return {
      sessionId,
      bus,
      config,
      counter,
      models,
      meter: this.meter,
      writer,
      records: () => this.deps.records(),
      systemPrompt: this.deps.systemPrompt(),
      tools: this.deps.tools(),
      encoding: this.facts().encoding,
      window: this.facts().window,
      summariser: { modelString: this.summariserModel(), config, refused: this.formatRefused },
    };
  }

  private facts(): ModelFacts {
    return modelFacts(this.deps.model(), this.deps.models, this.deps.config);
  }

  /**
   * Reads the cache and makes the keys (in slices), then counts in the background what the next turn
   * will have to count before its request anyway: only when the bound (with the provider's report, as
   * the levels see it) passes the lowest level or comes near the per-request spending limit (the same
   * tests as compactIfNeeded and requestCost).
   */
  private async prepareCounts(facts: ModelFacts, assembly: Assembly): Promise<void> {
    await this.loadCounts();
    const tools = this.deps.tools();
    const items = await this.meter.itemsInSlices(assembly, tools, facts.encoding);
    const bound = this.meter.measure(assembly, tools, facts.encoding, 'bound');
    // The cache's counts are shown from now on (all of them exact when it held everything).
    this.deps.bus.emit('context.changed', {
      sessionId: this.deps.sessionId,
      breakdown: this.breakdown({ prepareCounts: false }),
    });
    if (bound.exact) return;
    const lowest = pressureLevels(this.deps.config.compression, facts.window)[0];
    const anchor = reportedAnchor(this.deps.records(), this.deps.model());
    const figure = contextFigure(bound, anchor, facts.window);
    const max = this.guard.requestMax();
    const cost =
      max === null || facts.resolved === null
        ? null
        : this.deps.models.cost(facts.resolved, { ...ZERO_USAGE, input: bound.total }, null);
    if (passes(figure.total, lowest) || (max !== null && nearLimit(cost, max)))
      this.deps.counter.schedule(facts.encoding, items);
  }

  private loadCounts(): Promise<void> {
    this.cacheLoaded ??= readTokenCache(this.deps.cacheFile).then(
      (entries) => this.deps.counter.seed(entries),
      (error: unknown) => this.cacheIssue(error),
    );
    return this.cacheLoaded;
  }

  /** Only the writer keeps the cache file; it holds the counts of what is in context now. */
  private async saveCounts(): Promise<void> {
    if (!this.countsChanged || this.deps.writer() === null) return;
    this.countsChanged = false;
    const { encoding } = this.facts();
    const keys = this.meter.items(this.assembly(), this.deps.tools(), encoding).map((i) => i.key);
    try {
      await writeTokenCache(this.deps.cacheFile, this.deps.counter.exactOf(keys));
    } catch (error) {
      if (isAbortError(error)) throw error;
      this.cacheIssue(error);
    }
  }

  /** The cache only saves time: a problem with it is reported and the session goes on. */
  private cacheIssue(error: unknown): void {
    this.deps.bus.emit('store.warning', {
      warning: {
        kind: 'storeIssue',
        path: this.deps.cacheFile,
        message: `Token cache: ${getErrorMessage(error)}`,
      },
    });
  }
}

function noop(): void {}

/** Whether a context of `tokens` (a bound or an exact count) passes the level. */
function passes(tokens: number, level: PressureLevel | undefined): boolean {
  return level !== undefined && tokens > level.threshold;
}

/** Whether a request of this cost comes near the per-request limit, where its exact cost is needed. */
function nearLimit(cost: number | null, max: number): boolean {
  return cost !== null && cost >= max * BUDGET_WARNING_SHARE;
}
