import * as z from 'zod';
import { getErrorMessage } from '../errors.js';
import { lazily } from '../lazy.js';
import { defineTool, failure } from './define.js';
import { OutputBuffer } from './output-buffer.js';
import { spawnGroup, type Exit } from './process-group.js';
import type { ShellSettings, Tool } from './types.js';

/** The part of a background job the shell needs; the jobs domain's RunningJob has this shape. */
export interface ShellJobHandle {
  readonly id: string;
  /** Aborts when the user cancels the job or the workspace closes. */
  readonly signal: AbortSignal;
  progress(activity: string): void;
  finish(activity?: string): void;
  fail(message: string): void;
  cancelled(): void;
}

/** Starts a job in the jobs pane (JobManager.start, injected so tools need not know the jobs domain). */
export type StartShellJob = (init: { kind: 'shell'; title: string; sessionId: string }) => ShellJobHandle;

type ShellJobState = 'running' | 'exited' | 'cancelled' | 'failed';

interface Entry {
  command: string;
  output: OutputBuffer;
  state: ShellJobState;
  exit: Exit | null;
  error: string | null;
  done: Promise<void>;
}

/** What `shell_job_output` and the jobs pane read about one background command. */
export interface ShellJobOutput {
  command: string;
  state: ShellJobState;
  exitCode: number | null;
  signal: string | null;
  error: string | null;
  output: string;
}

/**
 * Finished commands whose output `shell_job_output` can still read (as many as the jobs pane shows);
 * each output is capped, so this bounds them all. Older ones are forgotten.
 */
const KEEP_FINISHED = 50;

export interface ShellJobsOptions {
  /** Finished commands kept; the oldest go first. */
  keepFinished?: number;
}

/** Background shell commands (`run_shell` with `background: true`): output kept with the same cap. */
export class ShellJobs {
  private readonly entries = new Map<string, Entry>();
  /** Ids of the finished commands still kept, oldest first. */
  private readonly finished: string[] = [];
  private readonly keepFinished: number;

  constructor(
    private readonly startJob: StartShellJob,
    options: ShellJobsOptions = {},
  ) {
    this.keepFinished = options.keepFinished ?? KEEP_FINISHED;
  }

  /** Spawns the command in its own process group; returns the job id at once. */
  async start(command: string, cwd: string, shell: ShellSettings, sessionId: string): Promise<string> {
    const proc = await spawnGroup(shell.program, ['-c', command], {
      cwd,
      env: shell.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(shell.children === undefined ? {} : { children: shell.children }),
    });
    const job = this.startJob({ kind: 'shell', title: command, sessionId });
    const output = new OutputBuffer(shell.maxOutputBytes);
    const onData = (chunk: Buffer): void => {
      output.append(chunk);
      const line = lastLine(chunk);
      if (line !== '') job.progress(line);
    };
    proc.child.stdout?.on('data', onData);
    proc.child.stderr?.on('data', onData);
    const entry: Entry = {
      command,
      output,
      state: 'running',
      exit: null,
      error: null,
      done: Promise.resolve(),
    };
    const onAbort = (): void => {
      entry.state = 'cancelled';
      proc.kill().catch((error: unknown) => {
        entry.error = getErrorMessage(error);
      });
    };
    job.signal.addEventListener('abort', onAbort, { once: true });
    entry.done = proc.exited
      .then((exit) => {
        job.signal.removeEventListener('abort', onAbort);
        // The leader is gone; stop what it left running in its group, as the foreground shell does.
        return proc.kill().then(() => {
          entry.exit = exit;
          if (entry.state === 'cancelled') return job.cancelled();
          const ok = exit.code === 0;
          entry.state = ok ? 'exited' : 'failed';
          const ending =
            exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.code ?? 'unknown'}`;
          if (ok) job.finish(ending);
          else job.fail(ending);
        });
      })
      .finally(() => this.retire(job.id));
    this.entries.set(job.id, entry);
    return job.id;
  }

  read(id: string): ShellJobOutput | null {
    const entry = this.entries.get(id);
    if (entry === undefined) return null;
    return {
      command: entry.command,
      state: entry.state,
      exitCode: entry.exit?.code ?? null,
      signal: entry.exit?.signal ?? null,
      error: entry.error,
      output: entry.output.text(),
    };
  }

  /** A command has ended: keep its output for reading, forgetting the oldest finished past the bound. */
  private retire(id: string): void {
    this.finished.push(id);
    for (const old of this.finished.splice(0, Math.max(0, this.finished.length - this.keepFinished))) {
      this.entries.delete(old);
    }
  }

  /** Resolves when every command has ended (after JobManager.cancelAll on close). */
  async settled(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => entry.done));
  }
}

const outputArgs = lazily(() => z.object({ id: z.string().min(1) }));

/** `shell_job_output`: the status and output so far of a background command. Free: it only looks. */
export function shellJobOutputTool(jobs: ShellJobs): Tool {
  return defineTool({
    access: 'read',
    args: outputArgs,
    schema: {
      name: 'shell_job_output',
      description:
        'Read the status, exit code and output so far (beginning and end, capped) of a shell command started with run_shell and background: true.',
      parameters: {
        type: 'object',
        properties: { id: { type: 'string', description: 'The job id run_shell returned, e.g. j3' } },
        required: ['id'],
        additionalProperties: false,
      },
    },
    check: (args) => ({ summary: `read the output of job ${args.id}`, detail: args.id }),
    run(args) {
      const job = jobs.read(args.id);
      if (job === null) {
        return Promise.resolve(
          failure(
            `There is no background shell job ${args.id} (only the output of the most recent finished jobs is kept)`,
          ),
        );
      }
      return Promise.resolve({ ok: true, content: formatShellJob(args.id, job) });
    },
  });
}

export function formatShellJob(id: string, job: ShellJobOutput): string {
  const status =
    job.state === 'running'
      ? 'running'
      : job.signal !== null
        ? `${job.state} (killed by ${job.signal})`
        : `${job.state} (exit code ${job.exitCode ?? 'unknown'})`;
  const error = job.error === null ? '' : `\n[error: ${job.error}]`;
  return `job ${id}: ${status}\n$ ${job.command}\n${job.output}${error}`;
}

/** Longest activity line shown in the pane; the whole output is one Enter away. */
const MAX_ACTIVITY_CHARS = 200;

/** The chunk's last non-empty line, as the job's latest activity (raw: the pane sanitises). */
function lastLine(chunk: Buffer): string {
  const lines = chunk.toString('utf8').split('\n');
  const line = lines.findLast((l) => l.trim() !== '') ?? '';
  return line.trim().slice(0, MAX_ACTIVITY_CHARS);
}
