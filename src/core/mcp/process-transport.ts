import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Env } from '../deps.js';
import { getErrorMessage, OctoError } from '../errors.js';
import { parseJson, sanitizeLine } from '../text/index.js';
import { spawnGroup, type ChildNotes, type Exit, type GroupProcess } from '../tools/index.js';

/** A JSON-RPC line longer than this is a runaway server, not a message. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Characters of a server's stderr kept to explain a failure. */
const STDERR_TAIL_CHARS = 600;
/** Characters of a non-JSON stdout line quoted in the failure reason. */
const GARBAGE_PREVIEW_CHARS = 80;

export interface ProcessSpec {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Env;
  /** Where the server's process group is noted while it runs. */
  children?: ChildNotes;
}

function describeExit(exit: Exit): string {
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`;
}

/**
 * MCP over a child's stdin/stdout, in its own process group so closing it stops everything it started
 * (npx → node). Unlike the SDK's stdio transport it builds the environment itself (never octo's own),
 * and treats a non-JSON line on stdout as fatal: the protocol stream is then unreliable (docs/faults.md row 19).
 */
export class ProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;

  private proc: GroupProcess | null = null;
  private pending = Buffer.alloc(0);
  private stderrTail = '';
  private problem: string | null = null;
  private closing = false;

  constructor(private readonly spec: ProcessSpec) {}

  /** Why the process ended or was dropped, with the end of its stderr; null while healthy. */
  failure(): string | null {
    if (this.problem === null) return null;
    const tail = sanitizeLine(this.stderrTail).trim();
    return tail === '' ? this.problem : `${this.problem} (stderr: ${tail})`;
  }

  get pid(): number | null {
    return this.proc?.pid ?? null;
  }

  async start(): Promise<void> {
    const proc = await spawnGroup(this.spec.command, this.spec.args, {
      cwd: this.spec.cwd,
      env: this.spec.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(this.spec.children === undefined ? {} : { children: this.spec.children }),
    });
    this.proc = proc;
    proc.child.stdout?.on('data', (chunk: Buffer) => this.receive(chunk));
    proc.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    proc.child.stdin?.on('error', (error) => this.fail(`its input closed: ${getErrorMessage(error)}`));
    void proc.exited.then((exit) => {
      if (!this.closing) this.problem ??= `the server ${describeExit(exit)}`;
      this.onclose?.();
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.proc?.child.stdin;
    if (stdin === undefined || stdin === null || this.closing || stdin.destroyed)
      throw new OctoError('mcp_failed', 'The server is not running');
    if (!stdin.write(`${JSON.stringify(message)}\n`))
      await new Promise<void>((resolve) => stdin.once('drain', resolve));
  }

  async close(): Promise<void> {
    this.closing = true;
    const proc = this.proc;
    if (proc === null) return;
    proc.child.stdin?.end();
    await proc.kill();
  }

  private receive(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    for (let end = this.pending.indexOf(0x0a); end !== -1; end = this.pending.indexOf(0x0a)) {
      const line = this.pending.subarray(0, end).toString('utf8').replace(/\r$/, '');
      this.pending = this.pending.subarray(end + 1);
      if (line.trim() === '') continue;
      const message = parseMessage(line);
      if (message === null) {
        this.fail(
          `it wrote something that is not JSON-RPC to stdout: "${sanitizeLine(line).slice(0, GARBAGE_PREVIEW_CHARS)}"`,
        );
        return;
      }
      this.onmessage?.(message);
    }
    if (this.pending.length > MAX_LINE_BYTES)
      this.fail(`it wrote a line longer than ${MAX_LINE_BYTES} bytes to stdout`);
  }

  private fail(reason: string): void {
    if (this.closing) return;
    this.problem ??= reason;
    this.onerror?.(new OctoError('mcp_failed', reason));
    this.close().catch((error: unknown) =>
      this.onerror?.(
        new OctoError('mcp_failed', `stopping the server failed: ${getErrorMessage(error)}`, {
          cause: error,
        }),
      ),
    );
  }
}

function parseMessage(line: string): JSONRPCMessage | null {
  const value = parseJson(line);
  if (value === undefined) return null;
  const parsed = JSONRPCMessageSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
