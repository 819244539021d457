import type { CommandResult } from '../api.js';
import type { OctoConfig } from '../config/index.js';
import type { ScheduleTarget } from '../jobs/index.js';
import type { SessionContext } from '../context/index.js';
import type { ResolvedModel } from '../provider/index.js';
import type { NewRecord, SessionRecord, SessionSummary } from '../store/index.js';
import type { CommandServices } from './services.js';

/** What a slash command may see and do of its session. */
export interface CommandContext {
  sessionId: string;
  /** Workspace services (MCP servers, schedules, jobs); absent where none are wired. */
  services?: CommandServices;
  /** Where /schedule sends its text: this session. */
  scheduleTarget?: ScheduleTarget;
  readOnly: boolean;
  busy: boolean;
  currentModel: string;
  config: OctoConfig;
  summary(): SessionSummary;
  /** What the context is made of (a long session resumed holds only its end; see allRecords). */
  records(): readonly SessionRecord[];
  /** Every record of the session, read first when only its end is loaded (/info's sums, /uncompress). */
  allRecords(): Promise<readonly SessionRecord[]>;
  context: SessionContext;
  resolve(model: string): ResolvedModel;
  /** Appends a record and refreshes the session's summary. */
  append(record: NewRecord): Promise<void>;
  /** Patches a record by seq; call `refresh` once the changes are done. */
  update(seq: number, patch: Partial<SessionRecord>): Promise<void>;
  /** The same patch to many records, in one flushed write. */
  updateMany(seqs: readonly number[], patch: Partial<SessionRecord>): Promise<void>;
  /** Recomputes and saves the session's summary (after updates or a compaction). */
  refresh(): Promise<void>;
}

export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  /** See CommandHelp.waitsForIdle: when `refusal` may refuse it for a running turn. */
  waitsForIdle?: 'always' | 'withArguments';
  run(args: string, context: CommandContext): Promise<CommandResult>;
}

export function message(level: 'info' | 'warning' | 'error', text: string): CommandResult {
  return { type: 'message', level, text };
}

/** The refusal shared by commands that change the session, or null when they may. */
export function refusal(context: CommandContext, what: string): CommandResult | null {
  if (context.readOnly) return message('error', `This view is read-only; ${what} here is not possible.`);
  if (context.busy)
    return message('error', `A turn or a compression is running; ${what} when it has finished.`);
  return null;
}
