/**
 * A real terminal for the benchmarks: a private tmux server (its own socket, no user config) at 120x40,
 * driven through one control-mode client. Programs start in new windows exactly as a user's shell would
 * start them (exec'd directly, no shell in between), and the client hears every byte a pane writes as
 * it happens (`%output`), so times are taken from events, not by polling:
 *   - exit: the window closes (`%window-close`);
 *   - a screen: after each burst of output the pane is captured through the same client, and the time
 *     is that of the output the matching capture followed;
 *   - echo: a key sent with `send-keys` until the pane writes it back.
 * The origin of every time is the moment the `new-window` command is written to tmux, so node's own
 * start, measured the same way, is the floor every figure is compared with.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';

export const COLUMNS = 120;
export const ROWS = 40;
/** A program that has not done what was awaited by then is hung: the run fails with what it showed. */
const WAIT_MS = 60_000;

interface Reply {
  lines: string[];
  error: boolean;
}

interface Pending {
  resolve(reply: Reply): void;
}

/** What the program in one window has written so far, with the times it arrived. */
export class Pane {
  /** Everything written, decoded. */
  output = '';
  /** When the latest output arrived (performance.now()). */
  lastOutputAt = 0;
  /** performance.now() when the window closed, or null while the program runs. */
  closedAt: number | null = null;
  private readonly decoder = new StringDecoder('utf8');
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly tmux: Tmux,
    readonly id: string,
    readonly windowId: string,
    readonly pid: number,
    /** performance.now() when the window was asked for: the origin of this program's times. */
    readonly started: number,
  ) {}

  /** Milliseconds from the start to the program's exit (the window closing). */
  exited(): Promise<number> {
    return this.until(
      () => this.closedAt !== null,
      'exit',
      () => (this.closedAt ?? 0) - this.started,
    );
  }

  /**
   * Milliseconds from the start to the output after which the screen first satisfied `test`. The
   * pane is captured after every burst of output (one capture at a time, the latest output wins).
   */
  async screen(test: (text: string) => boolean, what: string): Promise<number> {
    let checkedUpTo = -1;
    let matchedAt: number | null = null;
    let capturing = false;
    const check = async (): Promise<void> => {
      if (capturing || matchedAt !== null || this.lastOutputAt === checkedUpTo) return;
      capturing = true;
      const upTo = this.lastOutputAt;
      const text = this.closedAt === null ? await this.capture().catch(() => '') : '';
      checkedUpTo = upTo;
      capturing = false;
      if (test(text)) matchedAt = upTo;
      this.wake();
    };
    return this.until(
      () => {
        void check();
        return matchedAt !== null;
      },
      what,
      () => (matchedAt ?? 0) - this.started,
    );
  }

  /** Milliseconds from now until the pane writes something that contains `text`. */
  async echo(text: string): Promise<number> {
    const from = this.output.length;
    const sent = performance.now();
    await this.tmux.command(`send-keys -t ${this.id} -l ${quote(text)}`);
    await this.until(
      () => this.output.includes(text, from),
      `the echo of ${text}`,
      () => undefined,
    );
    return this.lastOutputAt - sent;
  }

  /** Keys by tmux name (`Enter`, `C-c`) or literal text with `literal`. */
  async keys(keys: string, literal = false): Promise<void> {
    await this.tmux.command(`send-keys -t ${this.id}${literal ? ' -l' : ''} ${quote(keys)}`);
  }

  /** The visible screen as text, one line per row. */
  async capture(): Promise<string> {
    return (await this.tmux.command(`capture-pane -p -t ${this.id}`)).join('\n');
  }

  /**
   * The program's main thread so far, from /proc (Linux): ms it ran on a CPU, and ms it was ready to
   * run but waited for one (other work on the machine). Differences of two readings split a delay
   * into the program's own work and the machine's load.
   */
  async mainThread(): Promise<{ ranMs: number; waitedMs: number }> {
    const [ran = 0, waited = 0] = (await readFile(`/proc/${this.pid}/task/${this.pid}/schedstat`, 'utf8'))
      .split(' ')
      .map(Number);
    return { ranMs: ran / 1e6, waitedMs: waited / 1e6 };
  }

  /** Resident memory of the program now, from /proc. */
  async rssMb(): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    if (kb === undefined) throw new Error(`no VmRSS for pid ${this.pid}`);
    return Number(kb) / 1024;
  }

  /** Threads of the program now (node's own, plus one per worker thread). */
  async threads(): Promise<number> {
    const status = await readFile(`/proc/${this.pid}/status`, 'utf8');
    return Number(/^Threads:\s+(\d+)$/m.exec(status)?.[1] ?? 0);
  }

  /** Resolves once `done()` holds, checked on every output and on close. */
  until<T>(done: () => boolean, what: string, value: () => T): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        void this.capture()
          .catch(() => '(closed)')
          .then((screen) => reject(new Error(`${what}: not within ${WAIT_MS} ms; the screen:\n${screen}`)));
      }, WAIT_MS);
      const listener = (): void => {
        if (!done()) {
          if (this.closedAt !== null && what !== 'exit') {
            this.listeners.delete(listener);
            clearTimeout(timer);
            reject(new Error(`${what}: the program exited first; it wrote:\n${this.output.slice(-2000)}`));
          }
          return;
        }
        this.listeners.delete(listener);
        clearTimeout(timer);
        resolve(value());
      };
      this.listeners.add(listener);
      listener();
    });
  }

  /** Called by the client: bytes the program wrote. */
  received(bytes: Buffer, at: number): void {
    this.output += this.decoder.write(bytes);
    this.lastOutputAt = at;
    this.wake();
  }

  closed(at: number): void {
    this.closedAt = at;
    this.wake();
  }

  private wake(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
}

/** One private tmux server and its control-mode client. */
export class Tmux {
  private readonly pending: Pending[] = [];
  private readonly panes = new Map<string, Pane>();
  private readonly windows = new Map<string, Pane>();
  private block: { lines: string[]; pending: Pending | undefined } | null = null;
  private rest = Buffer.alloc(0);

  private constructor(
    readonly socket: string,
    private readonly client: ChildProcessWithoutNullStreams,
  ) {
    client.stdout.on('data', (chunk: Buffer) => this.read(chunk, performance.now()));
  }

  /**
   * Starts the server (an idle shell in its first window) and attaches the control client. With
   * OCTO_BENCH_NICE (e.g. -20; root on Linux) everything measured runs at that priority, see prioritise().
   */
  static async start(): Promise<Tmux> {
    const socket = `octo-bench-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    // The server's own environment: nothing of the runner's reaches the programs but PATH.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' };
    await run(
      'tmux',
      [
        '-L',
        socket,
        '-f',
        '/dev/null',
        'new-session',
        '-d',
        '-s',
        'bench',
        '-x',
        `${COLUMNS}`,
        '-y',
        `${ROWS}`,
      ],
      env,
    );
    const client = spawn('tmux', ['-L', socket, '-C', 'attach-session', '-t', 'bench'], { env });
    const tmux = new Tmux(socket, client);
    // The first block answers the attach itself.
    tmux.pending.push({ resolve: () => undefined });
    await tmux.command('set-option -g remain-on-exit off');
    if (NICE !== null) {
      const [server] = await tmux.command("display-message -p '#{pid}'");
      await prioritise(process.pid);
      await prioritise(Number(server));
    }
    return tmux;
  }

  /** Starts `argv` in a new window; the returned pane's times count from this call. */
  async run(argv: readonly string[], options: RunOptions): Promise<Pane> {
    const env = Object.entries(options.env)
      .map(([name, value]) => `-e ${quote(`${name}=${value}`)}`)
      .join(' ');
    // Each pane is a session of its own, so with autogroup scheduling a group of its own: it sets
    // that group's priority and becomes the program (the same few exec'd bytes for every row).
    const command =
      NICE === null
        ? argv
        : ['/bin/sh', '-c', `echo ${NICE} > /proc/self/autogroup; exec "$@"`, 'sh', ...argv];
    const started = performance.now();
    const [line] = await this.command(
      `new-window -d -P -F '#{window_id} #{pane_id} #{pane_pid}' -c ${quote(options.cwd)} ${env} ${command.map(quote).join(' ')}`,
    );
    const [windowId, paneId, pid] = (line ?? '').split(' ');
    if (windowId === undefined || paneId === undefined || pid === undefined)
      throw new Error(`tmux did not start ${argv.join(' ')}: ${line}`);
    const pane = this.panes.get(paneId) ?? new Pane(this, paneId, windowId, Number(pid), started);
    this.panes.set(paneId, pane);
    this.windows.set(windowId, pane);
    return pane;
  }

  /** Runs one tmux command through the control client; resolves with its output lines. */
  command(text: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({
        resolve: (reply) =>
          reply.error ? reject(new Error(`tmux ${text}: ${reply.lines.join('\n')}`)) : resolve(reply.lines),
      });
      this.client.stdin.write(`${text}\n`);
    });
  }

  async close(): Promise<void> {
    const gone = new Promise((resolve) => this.client.on('close', resolve));
    await run('tmux', ['-L', this.socket, 'kill-server'], {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
    }).catch(() => undefined);
    this.client.stdin.end();
    await gone;
  }

  private read(chunk: Buffer, at: number): void {
    let data = Buffer.concat([this.rest, chunk]);
    for (let newline = data.indexOf(0x0a); newline !== -1; newline = data.indexOf(0x0a)) {
      this.line(data.subarray(0, newline), at);
      data = data.subarray(newline + 1);
    }
    this.rest = Buffer.from(data);
  }

  private line(raw: Buffer, at: number): void {
    if (this.block !== null) {
      const text = raw.toString('utf8');
      if (/^%(end|error) /.test(text)) {
        const { lines, pending } = this.block;
        this.block = null;
        pending?.resolve({ lines, error: text.startsWith('%error') });
      } else this.block.lines.push(text);
      return;
    }
    if (raw.subarray(0, 8).toString() === '%output ') {
      const space = raw.indexOf(0x20, 8);
      const pane = this.panes.get(raw.subarray(8, space).toString());
      pane?.received(unescape(raw.subarray(space + 1)), at);
      return;
    }
    const text = raw.toString('utf8');
    if (text.startsWith('%begin ')) {
      this.block = { lines: [], pending: this.pending.shift() };
      return;
    }
    const closed = /^%(?:unlinked-)?window-close (@\d+)/.exec(text)?.[1];
    if (closed !== undefined) this.windows.get(closed)?.closed(at);
  }
}

/**
 * OCTO_BENCH_NICE: the priority of everything measured. On a shared machine other sessions' load moves
 * the figures by whole multiples (node -e 0 took 0.6-1 s at load 20 here). Linux schedules by
 * autogroup (one per session, and every tmux pane is a session), so a nice value alone changes
 * nothing between groups: each group's own priority is set, and the processes' nice values too.
 */
const NICE = parseNice(process.env.OCTO_BENCH_NICE);

function parseNice(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const nice = Number(value);
  if (!Number.isInteger(nice) || nice < -20 || nice > 19)
    throw new Error(`OCTO_BENCH_NICE=${value}: -20 to 19`);
  return nice;
}

async function prioritise(pid: number): Promise<void> {
  if (NICE === null) return;
  try {
    setPriority(pid, NICE);
    await writeFile(`/proc/${pid}/autogroup`, `${NICE}`);
  } catch (error) {
    throw new Error(`OCTO_BENCH_NICE=${NICE} needs Linux and root (or CAP_SYS_NICE)`, { cause: error });
  }
}

/** tmux's control mode writes bytes below 32 and the backslash as `\ooo`. */
function unescape(data: Buffer): Buffer {
  if (!data.includes(0x5c)) return data;
  const out = Buffer.alloc(data.length);
  let n = 0;
  for (let i = 0; i < data.length; i += 1) {
    const byte = data[i] ?? 0;
    if (byte === 0x5c && i + 3 < data.length) {
      out[n++] = parseInt(data.subarray(i + 1, i + 4).toString(), 8);
      i += 3;
    } else out[n++] = byte;
  }
  return out.subarray(0, n);
}

/** A single-quoted tmux argument. */
function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function run(command: string, args: readonly string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')}: ${stderr}`)),
    );
  });
}
