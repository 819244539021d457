/**
 * What a daemon writes on stdout: the frames of its session as JSON lines (`--format jsonl`), or as
 * plain text like a `-p` turn (the reply on stdout, everything else as short stderr lines).
 */
import type { Writable } from 'node:stream';
import { sanitizeLine } from '../../core/text/index.js';
import { newPeerId, type Peer } from '../../server/index.js';
import { describeToolCall, describeToolFailure } from '../format/diagnostics.js';
import { StreamSanitizer } from '../format/stream-sanitizer.js';
import { describeTurnUsage, formatCost } from '../format/values.js';
import type { Output } from '../io.js';

export class JsonlOutput implements Peer {
  readonly id = newPeerId();
  readonly label = 'stdout';

  constructor(private readonly stdout: Writable) {}

  send(json: string): void {
    // Frames are encoded with every control character escaped: safe on a terminal as they are.
    this.stdout.write(`${json}\n`);
  }

  isOpen(): boolean {
    return this.stdout.writable;
  }
}

type Frame = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const count = (value: unknown): number => (typeof value === 'number' ? value : 0);

export class PlainOutput implements Peer {
  readonly id = newPeerId();
  readonly label = 'stdout';
  private readonly reply = new StreamSanitizer();
  private atLineStart = true;

  constructor(private readonly output: Output) {}

  isOpen(): boolean {
    return this.output.io.stdout.writable;
  }

  send(json: string): void {
    const frame = JSON.parse(json) as Frame;
    switch (frame.type) {
      case 'assistant_delta':
        this.write(this.reply.push(text(frame.delta)));
        return;
      case 'assistant':
        this.endLine();
        return;
      case 'user':
        this.note(`> ${sanitizeLine(text(frame.content)).slice(0, 200)}`);
        return;
      case 'tool_use':
        this.note(
          describeToolCall({
            id: text(frame.tool_id),
            name: text(frame.tool),
            arguments: JSON.stringify(frame.params),
          }),
        );
        return;
      case 'tool_result':
        if (frame.success !== true)
          this.note(describeToolFailure(text(frame.tool), text(frame.content).slice(0, 200)));
        return;
      case 'cost': {
        const requests = count(frame.requests);
        const usage = {
          input: count(frame.input_tokens),
          output: count(frame.output_tokens),
          cacheRead: count(frame.cache_read_tokens),
          cacheWrite: count(frame.cache_write_tokens),
          reasoning: count(frame.reasoning_tokens),
        };
        const complete = frame.usage_complete !== false;
        const known = complete || usage.input + usage.output > 0;
        const cost = typeof frame.turn_cost === 'number' ? frame.turn_cost : null;
        // A turn stopped before any model call was made has no figures worth a line of zeros.
        const figures =
          requests === 0
            ? ''
            : ` · ${describeTurnUsage(known ? usage : null, complete ? 0 : 1)} · ${formatCost(cost)}`;
        this.note(`[${sanitizeLine(text(frame.session_id))} · ${text(frame.turn_status)}${figures}]`);
        return;
      }
      case 'error':
        this.note(`error: ${sanitizeLine(text(frame.message))}`);
        return;
      case 'status':
        this.note(sanitizeLine(text(frame.message)));
        return;
      case 'approval_request':
        this.note(
          `approval needed: ${sanitizeLine(text(frame.tool))}: ${sanitizeLine(text(frame.summary))} (answer with octo attach ${sanitizeLine(text(frame.session_id))}; denied after ${Math.round(count(frame.timeout_ms) / 1000)} s)`,
        );
        return;
      default:
        return;
    }
  }

  private write(chunk: string): void {
    if (chunk === '') return;
    this.output.write(chunk);
    this.atLineStart = chunk.endsWith('\n');
  }

  private endLine(): void {
    this.write(this.reply.flush());
    if (this.atLineStart) return;
    this.output.write('\n');
    this.atLineStart = true;
  }

  /** A line on stderr; on a terminal the reply's unfinished line is ended first, so the two never share a line. */
  note(line: string): void {
    if (this.output.io.stdoutIsTTY && this.output.io.stderrIsTTY) this.endLine();
    this.output.note(line);
  }
}
