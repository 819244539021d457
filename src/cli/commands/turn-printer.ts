/** Turns the events of one turn into stdout text and short stderr lines. */
import type { CatchUp, ToolCall, Workspace } from '../../core/api.js';
import { catchUpText } from '../../core/project/index.js';
import { sanitizeLine } from '../../core/text/index.js';
import {
  describeBudget,
  describeCompacted,
  describeCompressionFailed,
  describeHolder,
  describeToolCall,
  describeToolFailure,
} from '../format/diagnostics.js';
import { StreamSanitizer } from '../format/stream-sanitizer.js';
import type { Output } from '../io.js';

export interface ToolCallReport extends ToolCall {
  /** Unknown until the result arrives (a cancelled turn may leave it unknown). */
  ok: boolean | null;
  /** Characters of the full result. */
  size: number | null;
}

export class TurnPrinter {
  private readonly text = new StreamSanitizer();
  private readonly calls: ToolCallReport[] = [];
  private atLineStart = true;
  private caughtUp = false;

  constructor(
    private readonly output: Output,
    private readonly sessionId: string,
    private readonly json: boolean,
  ) {}

  subscribe(ws: Workspace): () => void {
    const mine = (payload: { sessionId: string }): boolean => payload.sessionId === this.sessionId;
    const offs = [
      ws.on('turn.delta', (e) => {
        if (mine(e) && e.kind === 'text') this.stream(this.text.push(e.text));
      }),
      ws.on('turn.toolCall', (e) => {
        if (!mine(e)) return;
        this.calls.push({ ...e.call, ok: null, size: null });
        // Text before a tool call is one step's reply; the next step's text starts on a new line.
        this.endLine();
        if (!this.json) this.diagnostic(describeToolCall(e.call));
      }),
      ws.on('turn.toolResult', (e) => {
        if (!mine(e)) return;
        const call = this.calls.find((c) => c.id === e.toolCallId);
        if (call) Object.assign(call, { ok: e.ok, size: e.size });
        if (!e.ok && !this.json) this.diagnostic(describeToolFailure(e.toolName, e.preview));
      }),
      ws.on('turn.retry', (e) => {
        if (!mine(e)) return;
        const seconds = Math.ceil(e.delayMs / 1000);
        this.diagnostic(`retrying in ${seconds}s (attempt ${e.attempt}): ${sanitizeLine(e.reason)}`);
      }),
      ws.on('turn.warning', (e) => {
        if (mine(e)) this.diagnostic(`warning: ${sanitizeLine(e.message)}`);
      }),
      ws.on('turn.failed', (e) => {
        // The turn's own failure is reported once, from its outcome; this is the index update failing.
        if (mine(e) && e.turnId === 'summary') this.diagnostic(`warning: ${sanitizeLine(e.message)}`);
      }),
      ws.on('context.compactionFailed', (e) => {
        if (mine(e)) this.diagnostic(describeCompressionFailed(e));
      }),
      ws.on('context.compacted', (e) => {
        if (mine(e)) this.diagnostic(describeCompacted(e));
      }),
      ws.on('budget.warning', (e) => {
        if (mine(e)) this.diagnostic(`warning: close to the ${describeBudget(e)}`);
      }),
      ws.on('session.catchUp', (e) => {
        if (mine(e)) this.catchUp(e.catchUp);
      }),
      ws.on('session.opened', (e) => {
        if (mine(e) && e.readOnly)
          this.diagnostic(`Session is read-only: written by ${describeHolder(e.holder)}.`);
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  /** What happened in the project since the session's last message, once, on stderr (--json has it in the document). */
  catchUp(catchUp: CatchUp | null): void {
    if (catchUp === null || this.caughtUp || this.json) return;
    this.caughtUp = true;
    this.diagnostic(catchUpText(catchUp));
  }

  /** Ends the streamed text on a line of its own. */
  finish(): void {
    this.endLine();
  }

  toolCalls(): ToolCallReport[] {
    return this.calls.map((call) => ({ ...call }));
  }

  private endLine(): void {
    this.stream(this.text.flush());
    if (this.json || this.atLineStart) return;
    this.output.write('\n');
    this.atLineStart = true;
  }

  private stream(text: string): void {
    if (this.json || text === '') return;
    this.output.write(text);
    this.atLineStart = text.endsWith('\n');
  }

  /** Text and a diagnostic on the same terminal would share a line; start a fresh one first. */
  private diagnostic(line: string): void {
    if (this.output.io.stdoutIsTTY && this.output.io.stderrIsTTY) this.endLine();
    this.output.note(line);
  }
}
