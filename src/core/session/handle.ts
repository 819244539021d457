import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CommandResult, SessionHandle, SubmitOptions, TurnOutcome } from '../api.js';
import type { OctoConfig } from '../config/schema.js';
import type { ContextBreakdown, EventBus } from '../events.js';
import { getErrorMessage, isAbortError, isOctoError, OctoError } from '../errors.js';
import type { LockHolder, SessionStore, SessionWriter } from '../store/types.js';
import type { Redactor } from '../text/redact.js';
import type { ToolSet } from '../tools/index.js';
import { estimateContext } from './context-estimate.js';
import { mediaPath, readAttachment, saveMedia } from './media.js';
import type { ModelService } from './models.js';
import { runSessionCommand } from '../commands/index.js';
import { summarize } from './summary.js';
import { runTurn } from './turn.js';
import type { AttachmentRef, NewRecord, SessionRecord, SessionSummary } from './types.js';

export interface HandleDeps {
  bus: EventBus;
  config: OctoConfig;
  store: SessionStore;
  tools: ToolSet;
  redactor: Redactor;
  models: ModelService;
  systemPrompt: (projectDir: string) => string;
}

type Access = { kind: 'writer'; writer: SessionWriter } | { kind: 'readOnly'; records: readonly SessionRecord[]; holder: LockHolder | null };

/** One open session: the only place its turn loop runs (one turn at a time). */
export class OpenSession implements SessionHandle {
  readonly id: string;
  private current: SessionSummary;
  private controller: AbortController | null = null;
  private running: Promise<TurnOutcome> | null = null;
  private readonly mediaUrls = new Map<string, string>();

  constructor(
    private readonly deps: HandleDeps,
    private readonly access: Access,
    summary: SessionSummary,
  ) {
    this.id = summary.id;
    this.current = summary;
  }

  get readOnly(): boolean {
    return this.access.kind === 'readOnly';
  }

  get holder(): LockHolder | null {
    return this.access.kind === 'readOnly' ? this.access.holder : null;
  }

  summary(): SessionSummary {
    return this.current;
  }

  records(): readonly SessionRecord[] {
    return this.access.kind === 'writer' ? this.access.writer.records() : this.access.records;
  }

  isBusy(): boolean {
    return this.running !== null;
  }

  model(): string {
    return this.current.model;
  }

  context(): ContextBreakdown {
    const window = this.windowOfCurrentModel();
    const prompt = this.deps.systemPrompt(this.current.projectDir);
    return estimateContext(prompt, this.deps.tools.schemas(), this.records(), window);
  }

  async submit(text: string, options: SubmitOptions = {}): Promise<TurnOutcome> {
    const turnId = randomUUID();
    if (this.running !== null) return this.refuse(turnId, new OctoError('turn_busy', 'A turn is already running in this session.'));
    if (this.access.kind === 'readOnly') return this.refuse(turnId, this.readOnlyError());
    const writer = this.access.writer;
    const controller = new AbortController();
    this.controller = controller;
    const turn = this.startTurn(writer, turnId, text, options, controller.signal);
    this.running = turn;
    try {
      return await turn;
    } finally {
      this.running = null;
      this.controller = null;
    }
  }

  interrupt(): void {
    this.controller?.abort();
  }

  async command(line: string): Promise<CommandResult> {
    return runSessionCommand(line, {
      readOnly: this.readOnly,
      busy: this.isBusy(),
      currentModel: this.current.model,
      resolve: (model) => this.deps.models.resolve(model),
      append: (record) => this.appendAndSave(record),
    });
  }

  /** Appends records outside a turn (commands, repairs) and refreshes the summary. */
  async appendAndSave(record: NewRecord): Promise<void> {
    if (this.access.kind === 'readOnly') throw this.readOnlyError();
    await this.access.writer.append(record);
    await this.saveSummary();
  }

  async close(): Promise<void> {
    if (this.running !== null) {
      this.interrupt();
      await this.running;
    }
    if (this.access.kind === 'writer') await this.access.writer.close();
  }

  async saveSummary(): Promise<SessionSummary> {
    const fresh = summarize(this.id, this.records(), this.context().total);
    this.current = await this.deps.store.putSummary(fresh);
    this.deps.bus.emit('session.updated', { summary: this.current });
    return this.current;
  }

  private async startTurn(
    writer: SessionWriter,
    turnId: string,
    text: string,
    options: SubmitOptions,
    signal: AbortSignal,
  ): Promise<TurnOutcome> {
    const { bus } = this.deps;
    bus.emit('turn.started', { sessionId: this.id, turnId });
    try {
      const model = this.deps.models.resolve(this.current.model);
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
          systemPrompt: this.deps.systemPrompt(this.current.projectDir),
          loadMedia: (ref) => this.loadMedia(writer, ref),
          client: () => this.deps.models.client(),
          costOf: (result) => this.deps.models.cost(model, result.usage ?? null, result.providerCost),
          saveSummary: () => this.saveSummary(),
          signal,
        },
        { text, attachments, model },
      );
      if (outcome.status === 'failed' && outcome.error) this.emitFailed(turnId, outcome.error);
      return outcome;
    } catch (error) {
      return this.settleError(turnId, error, signal);
    } finally {
      await this.refreshSummaryAfterTurn();
    }
  }

  private settleError(turnId: string, error: unknown, signal: AbortSignal): TurnOutcome {
    if (signal.aborted || isAbortError(error)) {
      this.deps.bus.emit('turn.interrupted', { sessionId: this.id, turnId, reason: 'user' });
      const octo = isOctoError(error) ? error : new OctoError('aborted', 'The turn was cancelled.', { cause: error });
      return { status: 'interrupted', turnId, reply: '', error: octo };
    }
    const octo = isOctoError(error) ? error : new OctoError('internal', getErrorMessage(error), { cause: error });
    this.emitFailed(turnId, octo);
    if (isOctoError(error) && error.details.partial !== undefined) {
      this.deps.bus.emit('turn.interrupted', { sessionId: this.id, turnId, reason: 'error' });
    }
    return { status: 'failed', turnId, reply: '', error: octo };
  }

  private emitFailed(turnId: string, error: OctoError): void {
    this.deps.bus.emit('turn.failed', { sessionId: this.id, turnId, code: error.code, message: error.message });
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

  private windowOfCurrentModel(): number | null {
    try {
      return this.deps.models.contextWindow(this.deps.models.resolve(this.current.model));
    } catch (error) {
      // An unconfigured provider has no known window; the turn reports the real problem when sent.
      if (isOctoError(error)) return null;
      throw error;
    }
  }

  private readOnlyError(): OctoError {
    const holder = this.holder;
    const who = holder ? ` by process ${holder.pid} since ${holder.since}` : '';
    return new OctoError('session_locked', `Session ${this.current.name} is open for writing${who}; this view is read-only.`, {
      details: { holder },
    });
  }

  private refuse(turnId: string, error: OctoError): TurnOutcome {
    this.emitFailed(turnId, error);
    return { status: 'failed', turnId, reply: '', error };
  }
}
