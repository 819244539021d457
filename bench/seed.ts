/**
 * Stores for the benchmarks. Long histories are written as a long-lived session's file would be after
 * octo closed it: one line per record in seq order, compactions along the way (their messages out of
 * context, a summary and some knowledge each time), tool calls with source-code results, usage and
 * cost on every reply. Real turns would take hours for 20,000 messages on this machine (38 ms a turn,
 * most of it flushes); the lines are the store's own format (serializeLine), and the session is then
 * opened through the core, which checks every line, saves its summary to the index and counts its
 * context into the token cache, as a user's last session would have left it.
 */
import { appendFile, mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from '../src/core/api.js';
import { errnoCode } from '../src/core/errors.js';
import type {
  CompactionRecord,
  KnowledgeRecord,
  MessageRecord,
  SessionRecord,
  Usage,
} from '../src/core/store/records.js';
import { serializeLine } from '../src/core/store/line-parser.js';
import type { OctoHome } from '../test/e2e/support.js';
import { homeWorkspace } from './support.js';

/** The e2e config's model and prices ($1 per million input tokens, $2 output). */
const MODEL = 'test:fake-model';
/**
 * Compact when the context passes this many (estimated) tokens, as the 60% level of a 128k window
 * would, with room to spare: the resumed session must not compress on its next turn.
 */
const COMPACT_AT_TOKENS = 50_000;
/** Share of the in-context messages a compaction keeps verbatim. */
const KEEP_SHARE = 0.3;
const SYSTEM_TOKENS = 2_000;
const HISTORY_STARTS = Date.parse('2026-01-05T09:00:00.000Z');
/** Counting a long history from cold takes a second or two; a loaded machine takes longer. */
const COUNT_WITHIN_MS = 120_000;
/** No count for this long: counting is not under way (the context is far below its level). */
const QUIET_MS = 3_000;
/** Messages at the end that no compaction touches (the context then holds roughly 100 to 150). */
const LAST_UNCOMPACTED = 100;

export async function seedSessions(home: OctoHome, count: number): Promise<void> {
  const ws = await homeWorkspace(home);
  for (let i = 0; i < count; i += 1)
    await (await ws.sessions.create(`bench-${String(i).padStart(4, '0')}`)).close();
  await ws.close();
}

export interface SeededHistory {
  name: string;
  id: string;
  file: string;
  /** Message records (user, assistant, tool). */
  messages: number;
  compactions: number;
  /** Records the context is made of: from the first message still in context on, and the knowledge. */
  inContext: number;
  bytes: number;
  /** The first words of the last message, unique to it and short enough for one line on screen. */
  lastLine: string;
}

/**
 * A session named `name` with `messages` messages. The newest message is an answer whose first
 * line (`lastLine`) is unique, so a screen holding it shows the end of the conversation.
 */
export async function seedHistory(home: OctoHome, name: string, messages: number): Promise<SeededHistory> {
  const ws = await homeWorkspace(home);
  const created = await ws.sessions.create(name);
  const id = created.id;
  const first = created.records();
  await created.close();
  const file = path.join(home.dataDir, 'sessions', `${id}.db`);
  const history = new History(first.at(-1)?.seq ?? 0, messages);
  const records = history.build();
  await appendFile(file, records.map((r) => `${serializeLine({ _id: docId(r.seq), ...r })}\n`).join(''));
  await writeProjectFiles(home.projectDir, history.files);
  await countContext(ws, name);
  await ws.close();
  const last = records.findLast((r): r is MessageRecord => r.kind === 'message');
  const firstInContext = records.find((r) => r.kind === 'message' && r.inContext)?.seq ?? 0;
  const lastLine = /^The last answer of this bench session, turn \d+\./.exec(last?.content ?? '')?.[0];
  if (lastLine === undefined) throw new Error(`the history of ${name} does not end with its last answer`);
  return {
    name,
    id,
    file,
    messages,
    compactions: history.compactions,
    inContext: records.filter((r) => r.seq >= firstInContext || r.kind === 'knowledge').length,
    bytes: (await readFile(file)).length,
    lastLine,
  };
}

/**
 * Opens the session through the core (its summary saved to the index), lets the context be counted
 * in the background as the workspace screen does, and closes it (the counts saved). A context far
 * below its compression level is not counted (nothing needs it): the wait ends when no count has
 * landed for a while.
 */
async function countContext(ws: Workspace, name: string): Promise<void> {
  const handle = await ws.sessions.open(name);
  await new Promise<void>((resolve, reject) => {
    // Background counting does not keep a process alive; these timers do, and bound the wait.
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`the context of ${name} was not counted within ${COUNT_WITHIN_MS} ms`));
    }, COUNT_WITHIN_MS);
    let quiet = setTimeout(() => finishWith(resolve), QUIET_MS);
    const finish = (): void => {
      clearTimeout(timer);
      clearTimeout(quiet);
      off();
    };
    const finishWith = (done: () => void): void => {
      finish();
      done();
    };
    const changed = (): void => {
      if (handle.context().exact) return finishWith(resolve);
      clearTimeout(quiet);
      quiet = setTimeout(() => finishWith(resolve), QUIET_MS);
    };
    const off = ws.on('context.changed', changed);
    changed();
  });
  await handle.close();
}

/**
 * The files the history read, unchanged since (dated before its first record): on resume octo checks
 * them and finds nothing to tell the model, as after a day with no edits. A file an earlier seeded
 * session read is left as it is: rewritten, it would be a change for that session's next resume
 * (hundreds of stale files to hash and tell the model about, measured as part of its resume).
 */
async function writeProjectFiles(projectDir: string, files: ReadonlyMap<string, string>): Promise<void> {
  const before = new Date(HISTORY_STARTS - 86_400_000);
  for (const [name, text] of files) {
    const file = path.join(projectDir, name);
    await mkdir(path.dirname(file), { recursive: true });
    try {
      await writeFile(file, text, { flag: 'wx' });
    } catch (error) {
      if (errnoCode(error) === 'EEXIST') continue;
      throw error;
    }
    await utimes(file, before, before);
  }
}

/** NeDB ids that sort like seqs, as the session writer makes them. */
function docId(seq: number): string {
  return `r${String(seq).padStart(12, '0')}`;
}

/** Deterministic text: the same seed gives the same session every run. */
class Words {
  private state: number;

  constructor(seed: number) {
    this.state = seed;
  }

  /** mulberry32 */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  sentence(): string {
    const words = Array.from({ length: this.int(6, 18) }, () => this.pick(VOCABULARY));
    const text = words.join(' ');
    return `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}.`;
  }

  paragraph(sentences: number): string {
    return Array.from({ length: sentences }, () => this.sentence()).join(' ');
  }

  code(lines: number): string {
    const out: string[] = [];
    for (let i = 0; i < lines; i += 1) {
      const a = this.pick(IDENTIFIERS);
      const b = this.pick(IDENTIFIERS);
      const c = this.pick(IDENTIFIERS);
      out.push(
        this.pick([
          `export function ${a}${this.int(1, 99)}(${b}: ${this.pick(TYPES)}): ${this.pick(TYPES)} {`,
          `  const ${a} = await ${b}.${c}(${this.int(0, 500)});`,
          `  if (${a}.${b} === undefined) return ${c};`,
          `  for (const ${a} of ${b}.${c}s) ${a}.${b}(${this.int(0, 9)});`,
          `  // ${this.sentence()}`,
          `  return { ${a}, ${b}: ${c}.length + ${this.int(1, 64)} };`,
          '}',
          `import { ${a}, ${b} } from './${c}.js';`,
          `  throw new OctoError('${a}_${b}', \`${this.sentence()}\`);`,
        ]),
      );
    }
    return out.join('\n');
  }
}

const VOCABULARY = (
  'the a session file lock record reader writer index screen pane request reply model token count ' +
  'context summary history message seq order store flush disk cache parse line error retry stream ' +
  'chunk provider worker thread budget limit cost window compaction knowledge decision constraint ' +
  'test fixture bench figure median ratio floor start resume paint render layout theme key input ' +
  'which when because after before until while so then also only never always still again here there ' +
  'reads writes checks returns keeps drops splits joins counts opens closes waits sends shows moves'
).split(' ');
const IDENTIFIERS = (
  'session record reader writer index screen pane request reply model token summary history message ' +
  'store cache line chunk worker budget window layout theme input handle state view event'
).split(' ');
const TYPES = ['string', 'number', 'boolean', 'Session', 'Record[]', 'Promise<void>', 'Summary | null'];

/** Builds the records of a long session, compacting as the context fills. */
class History {
  compactions = 0;
  /** Project files the history read (read_file calls), which the project must hold. */
  readonly files = new Map<string, string>();
  private readonly words: Words;
  private readonly records: SessionRecord[] = [];
  private inContext: MessageRecord[] = [];
  private contextTokens = SYSTEM_TOKENS;
  private seq: number;
  private clock = HISTORY_STARTS;
  private knowledge = 0;

  constructor(
    lastSeq: number,
    private readonly messages: number,
  ) {
    this.seq = lastSeq;
    this.words = new Words(messages);
  }

  build(): SessionRecord[] {
    let made = 0;
    let turn = 0;
    while (made < this.messages) {
      const left = this.messages - made;
      // A turn: a question, sometimes a tool call and its result, and an answer (4 or 2 messages).
      const withTool = left >= 4 && turn % 3 !== 2;
      this.message('user', `Question ${turn}: ${this.words.paragraph(this.words.int(1, 4))}`);
      if (withTool) {
        const callId = `call_${turn}`;
        const file = `src/${this.words.pick(IDENTIFIERS)}/${this.words.pick(IDENTIFIERS)}.ts`;
        const code = this.files.get(file) ?? this.words.code(this.words.int(30, 110));
        this.files.set(file, code);
        this.message('assistant', '', {
          toolCalls: [{ id: callId, name: 'read_file', arguments: JSON.stringify({ path: file }) }],
        });
        this.message('tool', code, { toolCallId: callId, toolName: 'read_file' });
      }
      made += withTool ? 4 : 2;
      this.message('assistant', this.answer(turn, made >= this.messages));
      turn += 1;
      // The newest turns stay after the last compaction, as they would mid-way between two.
      if (this.contextTokens > COMPACT_AT_TOKENS && this.messages - made > LAST_UNCOMPACTED) this.compact();
    }
    return this.records;
  }

  private answer(turn: number, last: boolean): string {
    const head = last ? `The last answer of this bench session, turn ${turn}.` : `Answer ${turn}:`;
    const parts = [`${head} ${this.words.paragraph(this.words.int(1, 3))}`];
    if (this.words.next() < 0.5)
      parts.push(`- ${this.words.sentence()}\n- ${this.words.sentence()}\n- ${this.words.sentence()}`);
    if (this.words.next() < 0.4) parts.push(`\`\`\`ts\n${this.words.code(this.words.int(4, 16))}\n\`\`\``);
    parts.push(this.words.paragraph(this.words.int(1, 3)));
    return parts.join('\n\n');
  }

  private message(
    role: 'user' | 'assistant' | 'tool',
    content: string,
    extra: Partial<MessageRecord> = {},
  ): void {
    const base = { ...this.next(), kind: 'message', role, content, inContext: true } as const;
    const tokens = Math.ceil((content.length + JSON.stringify(extra.toolCalls ?? '').length) / 4);
    const record: MessageRecord =
      role === 'assistant'
        ? {
            ...base,
            ...extra,
            model: MODEL,
            usage: usage(this.contextTokens, tokens),
            cost: (this.contextTokens * 1 + tokens * 2) / 1e6,
            costSource: 'main',
            durationMs: 400 + tokens,
          }
        : { ...base, ...extra };
    this.records.push(record);
    this.inContext.push(record);
    this.contextTokens += tokens;
  }

  /** What an automatic compaction leaves: the oldest messages out, a summary and knowledge in. */
  private compact(): void {
    const keep = Math.max(4, Math.floor(this.inContext.length * KEEP_SHARE));
    // Whole turns only: the kept part starts at a question.
    let cut = this.inContext.length - keep;
    while (cut > 0 && this.inContext[cut]?.role !== 'user') cut -= 1;
    const compacted = this.inContext.slice(0, cut);
    for (const record of compacted) record.inContext = false;
    this.inContext = this.inContext.slice(cut);
    for (let i = 0; i < 2; i += 1) {
      this.knowledge += 1;
      const entry: KnowledgeRecord = {
        ...this.next(),
        kind: 'knowledge',
        op: 'add',
        entryId: `k${this.knowledge}`,
        category: this.words.pick(['decision', 'constraint', 'preference', 'finding'] as const),
        text: this.words.sentence(),
      };
      this.records.push(entry);
    }
    const before = this.contextTokens;
    const summary = `## Goal\n${this.words.paragraph(2)}\n\n## Done so far\n${this.words.paragraph(8)}\n\n## Open\n${this.words.paragraph(3)}`;
    this.contextTokens =
      SYSTEM_TOKENS +
      Math.ceil(summary.length / 4) +
      this.inContext.reduce((n, m) => n + Math.ceil(m.content.length / 4), 0);
    const record: CompactionRecord = {
      ...this.next(),
      kind: 'compaction',
      summary,
      compactedSeqs: compacted.map((m) => m.seq),
      tokensBefore: before,
      tokensAfter: this.contextTokens,
      model: MODEL,
      usage: usage(before, Math.ceil(summary.length / 4)),
      cost: (before + (summary.length / 4) * 2) / 1e6,
      trigger: 'auto',
      level: 76_800,
    };
    this.records.push(record);
    this.compactions += 1;
  }

  private next(): { seq: number; at: string } {
    this.seq += 1;
    this.clock += 7_000;
    return { seq: this.seq, at: new Date(this.clock).toISOString() };
  }
}

function usage(input: number, output: number): Usage {
  return { input, output, cacheRead: Math.floor(input * 0.8), cacheWrite: 0, reasoning: 0 };
}
