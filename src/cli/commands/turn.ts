/** One turn without the full screen (`-p`): the reply streams to stdout, diagnostics to stderr. */
import path from 'node:path';
import type { SessionHandle, TurnOutcome, Workspace } from '../../core/api.js';
import { ZERO_USAGE, addUsage, type MessageRecord, type Usage } from '../../core/session/types.js';
import { sanitizeLine, sanitizeText } from '../../core/text/sanitize.js';
import { exitCodeFor } from '../errors.js';
import { describeHolder } from '../format/diagnostics.js';
import { describeUsage, formatCost } from '../format/values.js';
import { EXIT, type CliSignal, type ExitCode, type Output } from '../io.js';
import { TurnPrinter } from './turn-printer.js';

export interface OneTurnOptions {
  prompt: string;
  json: boolean;
  attach: readonly string[];
}

interface TurnTotals {
  /** Model requests that came back complete (a partial reply carries no cost). */
  requests: number;
  usage: Usage;
  cost: number | null;
}

/** Usage and cost of the records this turn wrote (the session file is the truth, not the events). */
function totalsSince(handle: SessionHandle, seq: number): TurnTotals {
  const replies = handle
    .records()
    .filter((r): r is MessageRecord => r.kind === 'message' && r.seq > seq && r.role === 'assistant');
  const usage = replies.reduce((sum, r) => (r.usage ? addUsage(sum, r.usage) : sum), ZERO_USAGE);
  const priced = replies.filter((r) => r.cost !== undefined);
  const cost = priced.some((r) => r.cost === null) ? null : priced.reduce((sum, r) => sum + (r.cost ?? 0), 0);
  return { requests: priced.length, usage, cost };
}

function exitCodeOf(outcome: TurnOutcome, signal: CliSignal | null): ExitCode {
  if (outcome.status === 'finished') return EXIT.ok;
  if (signal !== null) return signal === 'SIGINT' ? EXIT.interrupted : EXIT.terminated;
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
  let signal: CliSignal | null = null;
  const stop = (received: CliSignal) => (): void => {
    if (signal !== null) {
      // A second signal means "now": the user message and finished replies are already on disk.
      io.forceExit(received === 'SIGINT' ? EXIT.interrupted : EXIT.terminated);
      return;
    }
    signal = received;
    output.note('Stopping the turn; the partial reply is kept. Press Ctrl-C again to quit at once.');
    handle.interrupt();
  };
  const offSignals = [io.onSignal('SIGINT', stop('SIGINT')), io.onSignal('SIGTERM', stop('SIGTERM'))];
  const seqBefore = handle.records().at(-1)?.seq ?? 0;
  let outcome: TurnOutcome;
  try {
    outcome = await handle.submit(options.prompt, {
      attachments: options.attach.map((file) => path.resolve(io.cwd, file)),
    });
  } finally {
    for (const off of offSignals) off();
    unsubscribe();
  }
  printer.finish();
  const totals = totalsSince(handle, seqBefore);
  const summary = handle.summary();
  if (outcome.error && outcome.status !== 'interrupted') output.error(sanitizeText(outcome.error.message));
  if (options.json) {
    output.json({
      session: { id: summary.id, name: summary.name, projectDir: summary.projectDir },
      status: outcome.status,
      reply: outcome.reply,
      usage: totals.usage,
      cost: totals.cost,
      model: handle.model(),
      toolCalls: printer.toolCalls(),
      ...(outcome.error ? { error: { code: outcome.error.code, message: outcome.error.message } } : {}),
    });
  } else if (totals.requests > 0) {
    const cost = formatCost(totals.cost, totals.cost === null);
    output.note(
      `[${sanitizeLine(summary.name)} · ${outcome.status} · ${describeUsage(totals.usage)} · ${cost}]`,
    );
  }
  return exitCodeOf(outcome, signal);
}
