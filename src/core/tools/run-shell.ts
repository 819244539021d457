import * as z from 'zod';
import type { Env } from '../deps.js';
import { confinePath } from './confine.js';
import { defineTool, failure } from './define.js';
import { OutputBuffer } from './output-buffer.js';
import { spawnGroup, type Exit } from './process-group.js';
import type { Tool } from './types.js';

export interface ShellSettings {
  /** The shell that runs `-c COMMAND`. */
  program: string;
  /** Default and upper limit of a command's run time. */
  timeoutMs: number;
  /** Bytes of output kept (beginning and end); the turn loop caps the text again for the context. */
  maxOutputBytes: number;
  /** The environment of the command (provider keys already removed). */
  env: Env;
}

const argsSchema = z.object({
  command: z.string().min(1),
  cwd: z.string().default('.'),
  timeout_ms: z.number().int().positive().optional(),
});

type Ending = { kind: 'exit'; exit: Exit } | { kind: 'timeout' } | { kind: 'aborted' };

function describeEnding(ending: Ending, timeoutMs: number): string {
  switch (ending.kind) {
    case 'timeout':
      return `[stopped after the time limit of ${timeoutMs / 1000} s; the command and everything it started were killed]`;
    case 'aborted':
      return '[stopped: the turn was cancelled]';
    case 'exit':
      return ending.exit.signal !== null
        ? `[killed by ${ending.exit.signal}]`
        : `[exit code ${ending.exit.code ?? 'unknown'}]`;
  }
}

/** Runs a shell command in the project directory; the command's whole process group ends with it. */
export function createShellTool(settings: () => ShellSettings): Tool {
  return defineTool({
    access: 'shell',
    args: argsSchema,
    schema: {
      name: 'run_shell',
      description:
        'Run a shell command in the project directory and return its output (stdout and stderr together) and exit code. For commands that finish: processes it leaves in the background are stopped when it ends. Asks the user first.',
      parameters: {
        type: 'object',
        properties: {
          command: { type: 'string', description: 'The command line, run with sh -c' },
          cwd: {
            type: 'string',
            description: 'Folder relative to the project directory (default: the project root)',
          },
          timeout_ms: {
            type: 'integer',
            minimum: 1,
            description: 'Time limit (default and maximum from the configuration)',
          },
        },
        required: ['command'],
        additionalProperties: false,
      },
    },
    async check(args, context) {
      const dir = await confinePath(context.projectDir, args.cwd, context.allowedDirs);
      if (!dir.ok) return failure(dir.reason);
      const where = dir.relative === '.' ? '' : ` (in ${dir.relative})`;
      return { summary: `run ${args.command}${where}`, detail: args.command };
    },
    async run(args, context) {
      context.signal.throwIfAborted();
      const dir = await confinePath(context.projectDir, args.cwd, context.allowedDirs);
      if (!dir.ok) return failure(dir.reason);
      const shell = settings();
      const timeoutMs = Math.min(args.timeout_ms ?? shell.timeoutMs, shell.timeoutMs);
      const output = new OutputBuffer(shell.maxOutputBytes);
      const proc = await spawnGroup(shell.program, ['-c', args.command], {
        cwd: dir.absolute,
        env: shell.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      proc.child.stdout?.on('data', (chunk: Buffer) => output.append(chunk));
      proc.child.stderr?.on('data', (chunk: Buffer) => output.append(chunk));
      const ending = await new Promise<Ending>((resolve) => {
        const timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs);
        const onAbort = (): void => resolve({ kind: 'aborted' });
        context.signal.addEventListener('abort', onAbort, { once: true });
        // 'exit', not 'close': a background process holding the pipes open must not keep the call waiting.
        proc.child.once('exit', (code, signal) => resolve({ kind: 'exit', exit: { code, signal } }));
        void proc.exited.finally(() => {
          clearTimeout(timer);
          context.signal.removeEventListener('abort', onAbort);
        });
      });
      await proc.kill();
      const text = output.text();
      const body = `$ ${args.command}\n${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${describeEnding(ending, timeoutMs)}`;
      if (ending.kind === 'aborted') context.signal.throwIfAborted();
      return { ok: ending.kind === 'exit' && ending.exit.code === 0, content: body };
    },
  });
}
