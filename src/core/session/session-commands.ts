import type { CommandResult, TurnOutcome } from '../api.js';
import { runSessionCommand, type CommandServices } from '../commands/index.js';
import type { OctoConfig } from '../config/schema.js';
import type { SessionContext } from '../context/index.js';
import type { OctoError } from '../errors.js';
import type { ScheduleTarget } from '../jobs/index.js';
import type { ModelService } from '../provider/index.js';
import type { RecordLog } from './record-log.js';
import type { SummaryKeeper } from './summary-keeper.js';
import type { Turns } from './turns.js';
import type { NewRecord, SessionRecord } from '../store/index.js';

export interface SessionCommandsDeps {
  id: string;
  config: OctoConfig;
  models: ModelService;
  /** MCP servers, schedules and jobs, for /mcp, /schedule and /jobs. */
  services?: CommandServices | undefined;
  log: RecordLog;
  /** What the context is made of (the knowledge from before the loaded records included). */
  records(): readonly SessionRecord[];
  summary: SummaryKeeper;
  turns: Turns;
  ctx: SessionContext;
  /** Appends a record outside a turn and saves the summary. */
  appendAndSave(record: NewRecord): Promise<void>;
  submit(text: string): Promise<TurnOutcome>;
  readOnlyError(): OctoError;
}

/** Runs a slash command on one session, with what the commands may see and change of it. */
export function runCommand(line: string, deps: SessionCommandsDeps): Promise<CommandResult> {
  const { log, summary, turns } = deps;
  return runSessionCommand(line, {
    sessionId: deps.id,
    ...(deps.services === undefined ? {} : { services: deps.services }),
    ...(log.readOnly ? {} : { scheduleTarget: scheduleTarget(deps) }),
    readOnly: log.readOnly,
    busy: turns.busy(),
    currentModel: summary.get().model,
    config: deps.config,
    summary: () => summary.get(),
    records: () => deps.records(),
    allRecords: async () => {
      await log.loadEarlier();
      return deps.records();
    },
    context: deps.ctx,
    resolve: (model) => deps.models.resolve(model),
    append: (record) => deps.appendAndSave(record),
    update: async (seq, patch) => {
      const writer = log.writer();
      if (writer === null) throw deps.readOnlyError();
      await writer.update(seq, patch);
    },
    updateMany: async (seqs, patch) => {
      const writer = log.writer();
      if (writer === null) throw deps.readOnlyError();
      await writer.updateMany(seqs, patch);
    },
    refresh: async () => {
      await summary.save();
    },
  });
}

/** Where /schedule sends its text: this session, once no turn runs. */
function scheduleTarget(deps: SessionCommandsDeps): ScheduleTarget {
  return {
    sessionId: deps.id,
    isBusy: () => deps.turns.busy(),
    whenIdle: () => deps.turns.whenIdle(),
    submit: (text) => deps.submit(text),
  };
}
