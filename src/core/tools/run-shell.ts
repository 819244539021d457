import * as z from 'zod';
import { confinePath } from './confine.js';
import { defineTool, failure } from './define.js';
import { OutputBuffer } from './output-buffer.js';
import { spawnGroup, type Exit } from './process-group.js';
import type { ShellJobs } from './shell-jobs.js';
import type { ShellSettings, Tool, ToolContext, ToolResult } from './types.js';
import { getErrorMessage } from '../errors.js';
import { lazily } from '../lazy.js';

const argsSchema = lazily(() =>
  z.object({
    command: z.string().min(1),
    cwd: z.string().default('.'),
    timeout_ms: z.number().int().positive().optional(),
    background: z.boolean().default(false),
  }),
);

/** Room left for a cut's marker line in a result. */
const MARKER_CHARS = 200;
/** Output kept however long the command line is. */
const MIN_OUTPUT_CHARS = 1000;

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
export function createShellTool(settings: () => ShellSettings, background?: ShellJobs): Tool {
  return defineTool({
    access: 'shell',
    args: argsSchema,
    schema: {
      name: 'run_shell',
      description:
        'Run a shell command in the project directory and return its output (stdout and stderr together) and exit code. For commands that finish: processes it leaves in the background are stopped when it ends. With background: true (servers, watchers, long builds) it starts the command as a job and returns its id at once; read its output with shell_job_output. Asks the user first.',
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
            description: 'Time limit (default and maximum from the configuration); not for background jobs',
          },
          background: {
            type: 'boolean',
            description: 'Run as a background job until it ends or is cancelled (default false)',
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
      const how = args.background ? ' in the background' : '';
      return { summary: `run ${args.command}${where}${how}`, detail: args.command };
    },
    async run(args, context) {
      context.signal.throwIfAborted();
      const dir = await confinePath(context.projectDir, args.cwd, context.allowedDirs);
      if (!dir.ok) return failure(dir.reason);
      const shell = settings();
      if (args.background) return startBackground(background, args.command, dir.absolute, shell, context);
      const timeoutMs = Math.min(args.timeout_ms ?? shell.timeoutMs, shell.timeoutMs);
      const output = new OutputBuffer(shell.maxOutputBytes);
      const proc = await spawnGroup(shell.program, ['-c', args.command], {
        cwd: dir.absolute,
        env: shell.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(shell.children === undefined ? {} : { children: shell.children }),
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
      const command = `$ ${args.command}\n`;
      const closing = describeEnding(ending, timeoutMs);
      // The whole result fits the turn's cap, so the cap never cuts away the end and the exit status.
      const room = Math.max(
        MIN_OUTPUT_CHARS,
        shell.maxOutputChars - command.length - closing.length - MARKER_CHARS,
      );
      const text = output.text(room);
      const body = `${command}${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${closing}`;
      if (ending.kind === 'aborted') context.signal.throwIfAborted();
      return {
        ok: ending.kind === 'exit' && ending.exit.code === 0,
        content: body,
        ...(output.bytes > text.length ? { fullSize: body.length - text.length + output.bytes } : {}),
      };
    },
  });
}

async function startBackground(
  jobs: ShellJobs | undefined,
  command: string,
  cwd: string,
  shell: ShellSettings,
  context: ToolContext,
): Promise<ToolResult> {
  if (jobs === undefined)
    return failure('Background commands are not available here; run it without background');
  try {
    const id = await jobs.start(command, cwd, shell, context.sessionId ?? '');
    return { ok: true, content: `started job ${id}; use shell_job_output with id ${id} to read its output` };
  } catch (error) {
    return failure(`The command could not be started: ${getErrorMessage(error)}`);
  }
}
