/**
 * An in-memory Workspace for headless screen tests: the real event bus and types, scripted turns the
 * test drives chunk by chunk (no provider, no timers), fixed times.
 */
import type {
  CommandResult,
  SessionHandle,
  SessionSnapshot,
  TurnOutcome,
  Workspace,
} from '../../../src/core/api.js';
import { coreCommandHelp } from '../../../src/core/commands/index.js';
import { defaultConfig, type OctoConfig } from '../../../src/core/config/index.js';
import { EventBus, type BudgetFacts, type ContextBreakdown } from '../../../src/core/events.js';
import {
  ZERO_USAGE,
  type NewRecord,
  type SessionRecord,
  type SessionSummary,
} from '../../../src/core/store/records.js';

export const FIXED_NOW = Date.parse('2025-06-01T12:00:00Z');

export function summary(over: Partial<SessionSummary> & { id: string; name: string }): SessionSummary {
  return {
    title: '',
    projectId: 'proj',
    projectDir: '/home/dev/proj',
    createdAt: '2025-06-01T10:00:00Z',
    updatedAt: '2025-06-01T11:00:00Z',
    order: 1,
    model: 'test:fake-model',
    messageCount: 0,
    tokens: { ...ZERO_USAGE },
    cost: 0,
    costIncomplete: false,
    contextTokens: 0,
    lastPreview: '',
    trashedAt: null,
    ...over,
  };
}

interface Stored {
  summary: SessionSummary;
  /** Never changed in place: an append makes a new array (the workspace contract's snapshots). */
  records: readonly SessionRecord[];
  /** Records before `records`, not loaded yet (a session resumed from its resume point). */
  earlier?: readonly SessionRecord[];
  version: number;
}

export class FakeHandle implements SessionHandle {
  readonly readOnly: boolean = false;
  readonly holder = null;
  interrupts = 0;
  /** Calls of loadEarlier. */
  earlierReads = 0;
  private turn: { id: string; text: string; resolve: (o: TurnOutcome) => void } | null = null;
  private turnCount = 0;

  constructor(
    private readonly ws: FakeWorkspace,
    private readonly stored: Stored,
  ) {}

  get id(): string {
    return this.stored.summary.id;
  }
  summary(): SessionSummary {
    return this.stored.summary;
  }
  records(): readonly SessionRecord[] {
    return this.stored.records;
  }
  earlierRecords(): number {
    return this.stored.earlier?.length ?? 0;
  }
  /** As a session opened from its resume point: the earlier records arrive as one 'replaced' change. */
  loadEarlier(): Promise<void> {
    this.earlierReads += 1;
    const earlier = this.stored.earlier ?? [];
    if (earlier.length === 0) return Promise.resolve();
    this.stored.earlier = [];
    this.stored.records = [...earlier, ...this.stored.records];
    this.stored.version += 1;
    this.ws.bus.emit('session.recordsChanged', {
      sessionId: this.id,
      version: this.stored.version,
      change: { kind: 'replaced', records: this.stored.records },
    });
    return Promise.resolve();
  }
  snapshot(): SessionSnapshot {
    return {
      sessionId: this.id,
      version: this.stored.version,
      summary: this.stored.summary,
      records: this.stored.records,
      earlierRecords: this.earlierRecords(),
      readOnly: this.readOnly,
      holder: this.holder,
      busy: this.isBusy(),
      context: this.context(),
      staleFiles: this.staleFiles(),
      catchUp: this.catchUp(),
    };
  }
  isBusy(): boolean {
    return this.turn !== null;
  }
  model(): string {
    return this.stored.summary.model;
  }
  context(): ContextBreakdown {
    const messages = this.stored.records.reduce(
      (n, r) => n + (r.kind === 'message' ? Math.ceil(r.content.length / 4) : 0),
      0,
    );
    return {
      system: 100,
      tools: 50,
      knowledge: 0,
      messages,
      attachments: 0,
      total: 150 + messages,
      window: 100_000,
      nextCompactionAt: null,
    };
  }

  append(record: NewRecord): SessionRecord {
    const full = {
      ...record,
      // As the store does: one more than the last seq (the fixtures' seqs come from a shared counter).
      seq: (this.stored.records.at(-1)?.seq ?? 0) + 1,
      at: '2025-06-01T11:00:00Z',
    };
    this.stored.records = [...this.stored.records, full];
    this.stored.version += 1;
    const messageCount = this.stored.records.filter((r) => r.kind === 'message').length;
    this.stored.summary = { ...this.stored.summary, messageCount };
    this.ws.bus.emit('session.recordsChanged', {
      sessionId: this.id,
      version: this.stored.version,
      change: { kind: 'appended', records: [full] },
    });
    this.ws.bus.emit('session.updated', { summary: this.stored.summary });
    return full;
  }

  submit(text: string): Promise<TurnOutcome> {
    const id = `turn-${++this.turnCount}`;
    this.append({ kind: 'message', role: 'user', content: text, inContext: true });
    this.ws.bus.emit('turn.started', { sessionId: this.id, turnId: id });
    return new Promise((resolve) => {
      this.turn = { id, text: '', resolve };
    });
  }

  /** Streams one chunk of the running turn. */
  stream(text: string): void {
    if (this.turn === null) throw new Error('no turn running');
    this.turn.text += text;
    this.ws.bus.emit('turn.delta', { sessionId: this.id, turnId: this.turn.id, kind: 'text', text });
  }

  finish(usage = { input: 1200, output: 300, cacheRead: 0, cacheWrite: 0, reasoning: 0 }): void {
    const turn = this.turn;
    if (turn === null) throw new Error('no turn running');
    this.append({
      kind: 'message',
      role: 'assistant',
      content: turn.text,
      model: this.model(),
      usage,
      cost: 0.0018,
      inContext: true,
    });
    const tokens = {
      ...this.stored.summary.tokens,
      input: this.stored.summary.tokens.input + usage.input,
      output: this.stored.summary.tokens.output + usage.output,
    };
    this.stored.summary = { ...this.stored.summary, tokens, cost: (this.stored.summary.cost ?? 0) + 0.0018 };
    this.ws.bus.emit('turn.usage', {
      sessionId: this.id,
      turnId: turn.id,
      usage,
      cost: 0.0018,
      model: this.model(),
    });
    this.turn = null;
    this.ws.bus.emit('session.updated', { summary: this.stored.summary });
    this.ws.bus.emit('turn.finished', { sessionId: this.id, turnId: turn.id, steps: 1 });
    turn.resolve({ status: 'finished', turnId: turn.id, reply: turn.text });
  }

  interrupt(): void {
    this.interrupts += 1;
    const turn = this.turn;
    if (turn === null) return;
    this.turn = null;
    if (turn.text !== '')
      this.append({
        kind: 'message',
        role: 'assistant',
        content: turn.text,
        inContext: true,
        interrupted: true,
      });
    this.ws.bus.emit('turn.interrupted', { sessionId: this.id, turnId: turn.id, reason: 'user' });
    turn.resolve({ status: 'interrupted', turnId: turn.id, reply: turn.text });
  }

  command(line: string): Promise<CommandResult> {
    const name = line.slice(1).split(/\s/)[0] ?? '';
    this.ws.commandsRun.push(line);
    if (name === 'info') return Promise.resolve({ type: 'message', level: 'info', text: `ran ${line}` });
    if (name === 'model')
      return Promise.resolve({ type: 'modelChanged', model: line.slice(7).trim(), previous: this.model() });
    return Promise.resolve({ type: 'unknown', name, suggestions: ['/model'] });
  }

  staleFiles(): string[] {
    return [];
  }

  catchUp(): null {
    return null;
  }

  limits(): BudgetFacts[] {
    return [];
  }

  raiseLimit(): void {
    throw new Error('not in the fake');
  }

  continueTurn(): Promise<TurnOutcome> {
    return Promise.reject(new Error('not in the fake'));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export class FakeWorkspace implements Workspace {
  readonly bus = new EventBus((error) => {
    throw error;
  });
  readonly config: OctoConfig;
  readonly paths = { data: '/nonexistent/octo-data', userConfig: '/nonexistent/config.toml' };
  readonly project = { id: 'proj', dir: '/home/dev/proj' };
  readonly store = new Map<string, Stored>();
  readonly handles = new Map<string, FakeHandle>();
  /** Every slash command line a handle was asked to run, in order. */
  readonly commandsRun: string[] = [];
  private created = 0;

  constructor(config: Partial<OctoConfig> = {}) {
    this.config = { ...defaultConfig(), ...config };
  }

  /** A session; with `earlier`, one resumed from its end: those records come first, read when asked. */
  add(
    s: SessionSummary,
    records: readonly SessionRecord[] = [],
    earlier: readonly SessionRecord[] = [],
  ): void {
    const messages = [...earlier, ...records].filter((r) => r.kind === 'message').length;
    this.store.set(s.id, {
      summary: { ...s, messageCount: s.messageCount || messages },
      records,
      earlier,
      version: 0,
    });
  }

  handle(id: string): FakeHandle {
    const stored = this.store.get(id);
    if (stored === undefined) throw new Error(`no session ${id}`);
    const existing = this.handles.get(id);
    if (existing !== undefined) return existing;
    const handle = new FakeHandle(this, stored);
    this.handles.set(id, handle);
    return handle;
  }

  private live(): SessionSummary[] {
    return [...this.store.values()]
      .map((s) => s.summary)
      .filter((s) => s.trashedAt === null)
      .sort((a, b) => b.order - a.order);
  }

  readonly sessions: Workspace['sessions'] = {
    list: (o = {}) =>
      Promise.resolve(this.live().filter((s) => o.projectId === undefined || s.projectId === o.projectId)),
    find: (n) => Promise.resolve(this.live().find((s) => s.name === n || s.id === n) ?? null),
    closestNames: () => Promise.resolve([]),
    mostRecent: (p) => Promise.resolve(this.live().find((s) => s.projectId === p) ?? null),
    open: (n) => {
      const found = this.live().find((s) => s.name === n || s.id === n);
      if (found === undefined) return Promise.reject(new Error(`No session named ${n}.`));
      return Promise.resolve(this.handle(found.id));
    },
    create: (name) => {
      const id = `new-${++this.created}`;
      const order = Math.max(0, ...this.live().map((s) => s.order)) + 1;
      this.add(summary({ id, name: name ?? id, order, updatedAt: new Date(FIXED_NOW).toISOString() }));
      this.bus.emit('session.listChanged', { reason: 'created' });
      return Promise.resolve(this.handle(id));
    },
    show: () => Promise.reject(new Error('not in the fake')),
    rename: (n, name) => {
      const found = this.live().find((s) => s.name === n || s.id === n);
      const stored = found === undefined ? undefined : this.store.get(found.id);
      if (stored === undefined) return Promise.reject(new Error(`No session named ${n}.`));
      stored.summary = { ...stored.summary, name };
      this.bus.emit('session.listChanged', { reason: 'renamed' });
      return Promise.resolve(stored.summary);
    },
    trash: () => Promise.reject(new Error('not in the fake')),
    restore: () => Promise.reject(new Error('not in the fake')),
    export: () => Promise.reject(new Error('not in the fake')),
    fork: (n, newName) => {
      const origin = this.live().find((s) => s.name === n || s.id === n);
      const stored = origin === undefined ? undefined : this.store.get(origin.id);
      if (origin === undefined || stored === undefined)
        return Promise.reject(new Error(`No session named ${n}.`));
      if (this.live().some((s) => s.name === newName))
        return Promise.reject(new Error(`A session named ${newName} exists.`));
      const id = `fork-${++this.created}`;
      const order = Math.max(0, ...this.live().map((s) => s.order)) + 1;
      this.add(summary({ ...origin, id, name: newName, order, parentId: origin.id }), [...stored.records]);
      this.bus.emit('session.listChanged', { reason: 'created' });
      return Promise.resolve(this.store.get(id)?.summary ?? origin);
    },
    search: () => Promise.reject(new Error('not in the fake')),
    move: () => Promise.reject(new Error('not in the fake')),
  };

  /** Background shell output by job id, as ws.jobs.output gives it. */
  readonly shellOutputs = new Map<string, string>();
  readonly jobs: Workspace['jobs'] = {
    list: () => [],
    get: () => null,
    output: (id) => this.shellOutputs.get(id) ?? null,
    cancel: () => false,
  };
  readonly mcp: Workspace['mcp'] = { list: () => [], settled: () => Promise.resolve([]) };
  readonly trust: Workspace['trust'] = {
    projectFile: '/work/.octo/config.toml',
    entries: () => [],
    pending: () => [],
    approve: () => Promise.resolve(),
    revoke: () => Promise.resolve(0),
  };
  readonly answers: Array<[string, string]> = [];
  readonly approvals: Workspace['approvals'] = {
    pending: () => [],
    answer: (requestId, answer) => {
      this.answers.push([requestId, answer]);
      this.bus.emit('approval.settled', { sessionId: null, requestId, answer });
      return true;
    },
  };

  commandHelp = coreCommandHelp;
  on: Workspace['on'] = (name, listener) => this.bus.on(name, listener);
  doctor(): never {
    throw new Error('not in the fake');
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
