/** One turn without the full screen (`-p`): the reply streams to stdout, diagnostics to stderr. */
import path from 'node:path';
import type {
  CommandResult,
  MessageRecord,
  SessionHandle,
  TurnOutcome,
  Usage,
  Workspace,
} from '../../core/api.js';
import { addUsage, ZERO_USAGE } from '../../core/store/records.js';
import { sanitizeLine, sanitizeText } from '../../core/text/index.js';
import { exitCodeFor } from '../errors.js';
import { describeHolder } from '../format/diagnostics.js';
import { describeTurnUsage, formatCost } from '../format/values.js';
import { EXIT, signalExit, type CliSignal, type ExitCode, type Output } from '../io.js';
import { TurnPrinter } from './turn-printer.js';

export interface OneTurnOptions {
  prompt: string;
  json: boolean;
  attach: readonly string[];
  /** A model for this turn only (a custom command's `model`). */
  model?: string;
  /** The slash command whose text this turn sends (/run NAME, /done with a follow-up), for --json. */
  command?: { name: string; result: CommandResult };
}

interface TurnTotals {
  /** Model requests the turn made (a reply cut short counts: it may be billed). */
  requests: number;
  /** Null when requests were made and none reported usage; never zeros standing in for unknown. */
  usage: Usage | null;
  /** Requests that reported no usage: `usage` is then a lower bound. */
  unreported: number;
  /** Null when any request's cost is unknown. */
  cost: number | null;
}

/** Usage and cost of the records this turn wrote (the session file is the truth, not the events). */
function totalsSince(handle: SessionHandle, seq: number): TurnTotals {
  const replies = handle
    .records()
    .filter(
      (r): r is MessageRecord =>
        r.kind === 'message' && r.seq > seq && r.role === 'assistant' && r.cost !== undefined,
    );
  const reported = replies.flatMap((r) => (r.usage ? [r.usage] : []));
  const usage = reported.reduce(addUsage, ZERO_USAGE);
  const cost = replies.some((r) => r.cost === null)
    ? null
    : replies.reduce((sum, r) => sum + (r.cost ?? 0), 0);
  return {
    requests: replies.length,
    usage: replies.length > 0 && reported.length === 0 ? null : usage,
    unreported: replies.length - reported.length,
    cost,
  };
}

/** The turn's usage for --json: null when unknown, marked when part of it is. */
function usageJson(totals: TurnTotals): (Usage & { incomplete?: true }) | null {
  if (totals.usage === null) return null;
  return totals.unreported > 0 ? { ...totals.usage, incomplete: true } : totals.usage;
}

/** What a reply cut short means for the user, and how to get the rest. */
function finishWarning(outcome: TurnOutcome, sessionName: string): string | null {
  const resume = `octo run --resume ${sessionName} -p continue`;
  switch (outcome.finishReason) {
    case 'length':
      return `warning: the reply was cut off at the model's output limit (finish reason length); to get the rest, send "continue" (${resume}).`;
    case 'content_filter':
      return "warning: the provider's content filter stopped the reply (finish reason content_filter); what came before it is kept.";
    default:
      return null;
  }
}

function exitCodeOf(outcome: TurnOutcome, signal: CliSignal | null): ExitCode {
  if (outcome.status === 'finished') return EXIT.ok;
  if (signal !== null) return signalExit(signal);
  return outcome.error ? exitCodeFor(outcome.error.code) : EXIT.failure;
}

export async function runOneTurn(
  ws: Workspace,
  handle: SessionHandle,
  options: OneTurnOptions,
  output: Output,
): Promise<ExitCode> {
  const { io } = output;
  if (handle.readOnly) {
    output.error(
      `Session ${sanitizeLine(handle.summary().name)} is being written by ${describeHolder(handle.holder)}; try again when it is closed.`,
    );
    return EXIT.failure;
  }
  const printer = new TurnPrinter(output, handle.id, options.json);
  const unsubscribe = printer.subscribe(ws);
  // Worked out in the background when the session opened: it may have come already, or come before the first request.
  printer.catchUp(handle.catchUp());
  let signal: CliSignal | null = null;
  const stop = (received: CliSignal) => (): void => {
    if (signal !== null) {
      // A second Ctrl-C or SIGTERM means "now": the user message and finished replies are already on
      // disk. A hangup never does: nobody asks, and a closed terminal's failed writes raise it again.
      if (received !== 'SIGHUP') io.forceExit(signalExit(received));
      return;
    }
    signal = received;
    handle.interrupt();
    // Only someone at the terminal pressed Ctrl-C; after a hangup there is nobody and no terminal.
    if (received === 'SIGINT')
      output.note('Stopping the turn; the partial reply is kept. Press Ctrl-C again to quit at once.');
    else if (received === 'SIGTERM') output.note('Stopping the turn (SIGTERM); the partial reply is kept.');
  };
  // A closed terminal (SIGHUP) ends the turn as SIGTERM does: the partial reply saved, the lock released.
  const offSignals = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((name) => io.onSignal(name, stop(name)));
  const seqBefore = handle.records().at(-1)?.seq ?? 0;
  let outcome: TurnOutcome;
  try {
    outcome = await handle.submit(options.prompt, {
      attachments: options.attach.map((file) => path.resolve(io.cwd, file)),
      ...(options.model === undefined ? {} : { model: options.model }),
    });
  } finally {
    for (const off of offSignals) off();
    unsubscribe();
  }
  printer.finish();
  const totals = totalsSince(handle, seqBefore);
  const summary = handle.summary();
  if (outcome.error && outcome.status !== 'interrupted') output.error(sanitizeText(outcome.error.message));
  const warning = finishWarning(outcome, sanitizeLine(summary.name));
  if (warning !== null) output.note(warning);
  if (options.json) {
    output.json({
      session: { id: summary.id, name: summary.name, projectDir: summary.projectDir },
      status: outcome.status,
      finishReason: outcome.finishReason ?? null,
      reply: outcome.reply,
      usage: usageJson(totals),
      cost: totals.cost,
      model: handle.model(),
      toolCalls: printer.toolCalls(),
      catchUp: handle.catchUp(),
      ...(options.command === undefined
        ? {}
        : { command: options.command.name, result: options.command.result }),
      ...(outcome.error ? { error: { code: outcome.error.code, message: outcome.error.message } } : {}),
    });
  } else if (totals.requests > 0) {
    const cost = formatCost(totals.cost);
    const finish =
      outcome.finishReason === 'length' || outcome.finishReason === 'content_filter'
        ? ` (${outcome.finishReason})`
        : '';
    output.note(
      `[${sanitizeLine(summary.name)} · ${outcome.status}${finish} · ${describeTurnUsage(totals.usage, totals.unreported)} · ${cost}]`,
    );
  }
  return exitCodeOf(outcome, signal);
}
