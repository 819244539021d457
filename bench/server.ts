/**
 * `octo server` under load: the real binary, real WebSocket clients (the `ws` package) in
 * this process, and a paced OpenAI-style stream served from this process too, so the time a chunk is
 * written and the time a client gets it are read on one clock.
 * - Frames per second: one turn of CHUNKS chunks sent as fast as the server takes them, to 1, 10 and
 *   100 clients attached to the session (each with the "delta" capability): the rate each client gets
 *   assistant_delta frames, the frames delivered per second in all, and the server's CPU time for the
 *   turn (/proc), which says what the server costs apart from the clients sharing this machine.
 * - Latency: a chunk every PACE_MS; from the chunk's write to its assistant_delta at each client, p50
 *   and p99 (1 and 10 clients).
 * - Memory: FLOOD_TURNS turns of FLOOD_TURN_MB each to a reading client, alone, then with a client
 *   attached to every session that never reads, with the default client_buffer_bytes (it is dropped
 *   and the log line names the bytes it left unsent) and with a limit no turn reaches. The figure is
 *   the bytes the server process held for that client: the dropped client's unsent bytes, or, without
 *   the limit, what the client got once it read, less what it had and what the kernel held on both
 *   ends of its connection (/proc/net/tcp). Peak RSS growth is in the notes: a turn's own garbage
 *   dominates it, and the held frames are the very buffers the reading client was sent, so RSS says
 *   little about one client's cost.
 * Run: npm run build && npx tsx bench/server.ts [rate] [latency] [memory]   (all three when none is
 * named), or `npm run bench -- server`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { e2eConfig, makeOctoHome, type OctoHome } from '../test/e2e/support.js';
import { emit, type Row } from './results.js';
import { benchRuns, median, OCTO_BIN } from './support.js';

const RUNS = benchRuns(5);
const CHUNKS = 2_000;
const CLIENT_COUNTS = [1, 10, 100];
const PACED_CHUNKS = 200;
/** 100 chunks a second: a fast model. */
const PACE_MS = 10;
const FLOOD_CHUNK_BYTES = 16 * 1024;
const FLOOD_TURNS = 24;
const FLOOD_TURN_MB = 4;
/** The default [server] client_buffer_bytes, and one no turn reaches. */
const DEFAULT_LIMIT = 8 * 1024 * 1024;
const NO_LIMIT = 4 * 1024 * 1024 * 1024;

// ---- a paced provider ------------------------------------------------------------------------

interface Plan {
  chunks: string[];
  paceMs: number;
  /** performance.now() once each chunk was handed to the kernel. */
  sentAt: number[];
  done: Promise<void>;
}

function chunkJson(delta: object, finish: string | null, usage?: object): string {
  const body = {
    id: 'bench',
    object: 'chat.completion.chunk',
    created: 0,
    model: 'fake-model',
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...(usage === undefined ? {} : { usage }),
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

function write(response: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve, reject) =>
    response.write(text, (error) => (error ? reject(error) : resolve())),
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function startProvider(): Promise<{
  url: string;
  plan(chunks: string[], paceMs: number): Plan;
  close(): void;
}> {
  const plans: Array<{ plan: Plan; finished: () => void }> = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      const completion = request.method === 'POST' && (request.url ?? '').endsWith('/chat/completions');
      const next = completion ? plans.shift() : undefined;
      if (next === undefined) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end('{"error":{"message":"bench provider: no turn planned"}}');
        process.stderr.write(`bench provider: unplanned ${request.method} ${request.url}\n`);
        return;
      }
      void stream(response, next.plan).finally(next.finished);
    });
  });
  async function stream(response: ServerResponse, plan: Plan): Promise<void> {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.socket?.setNoDelay(true);
    for (const text of plan.chunks) {
      await write(response, chunkJson({ content: text }, null));
      plan.sentAt.push(performance.now());
      if (plan.paceMs > 0) await sleep(plan.paceMs);
    }
    await write(
      response,
      chunkJson({}, 'stop', { prompt_tokens: 100, completion_tokens: plan.chunks.length }),
    );
    response.end('data: [DONE]\n\n');
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    plan: (chunks, paceMs) => {
      let finished = (): void => {};
      const done = new Promise<void>((resolve) => (finished = resolve));
      const plan: Plan = { chunks, paceMs, sentAt: [], done };
      plans.push({ plan, finished });
      return plan;
    },
    close: () => server.close(),
  };
}

// ---- the server and its clients --------------------------------------------------------------

interface RunningServer {
  child: ChildProcess;
  url: string;
  token: string;
  stderr: () => string;
  stop(): Promise<void>;
}

async function startServer(home: OctoHome): Promise<RunningServer> {
  const child = spawn(process.execPath, [OCTO_BIN, 'server', '--port', '0'], {
    cwd: home.projectDir,
    env: home.env,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  const listening = new Promise<string>((resolve, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      const url = /octo server listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
      if (url !== undefined) resolve(url);
    });
    child.once('exit', (code) => reject(new Error(`octo server exited with ${code}: ${stderr}`)));
  });
  const url = await listening;
  const info = JSON.parse(await readFile(path.join(home.dataDir, 'server.json'), 'utf8')) as {
    token: string;
  };
  return {
    child,
    url,
    token: info.token,
    stderr: () => stderr,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

interface Client {
  socket: WebSocket;
  /** Calls `handler` with each frame and its receive time, until the returned function is called. */
  onFrame: (handler: (frame: Record<string, unknown>, at: number) => void) => () => void;
  close(): void;
}

async function connect(server: RunningServer): Promise<Client> {
  const socket = new WebSocket(server.url, { headers: { Authorization: `Bearer ${server.token}` } });
  const handlers = new Set<(frame: Record<string, unknown>, at: number) => void>();
  socket.on('message', (data: Buffer) => {
    const at = performance.now();
    const frame = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    for (const handler of handlers) handler(frame, at);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    onFrame: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    close: () => socket.terminate(),
  };
}

/** The first frame that passes `test`; fails when the connection closes first (a dropped client, a crash). */
function until(client: Client, test: (frame: Record<string, unknown>) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const closed = (code: number): void => {
      off();
      reject(new Error(`the connection closed (${code}) before the frame`));
    };
    const off = client.onFrame((frame) => {
      if (!test(frame)) return;
      off();
      client.socket.off('close', closed);
      resolve();
    });
    client.socket.once('close', closed);
  });
}

async function attachAll(clients: readonly Client[], session: string): Promise<void> {
  await Promise.all(
    clients.map((client) => {
      const attached = until(client, (f) => f.type === 'status' && f.session_id === session);
      client.socket.send(JSON.stringify({ type: 'session', session_id: session, caps: ['delta'] }));
      return attached;
    }),
  );
}

interface Delivery {
  /** Per client: receive times of its assistant_delta frames. */
  times: number[][];
  /** Per client: when it got each chunk's marker. */
  markers: Array<Map<number, number>>;
}

/** Attaches `count` clients to a new session, runs one turn planned on the provider, and records what each got. */
async function turn(
  server: RunningServer,
  provider: Awaited<ReturnType<typeof startProvider>>,
  count: number,
  session: string,
  chunks: string[],
  paceMs: number,
): Promise<{ delivery: Delivery; plan: Plan; cpu: number }> {
  const clients = await Promise.all(Array.from({ length: count }, () => connect(server)));
  try {
    await attachAll(clients, session);
    const delivery: Delivery = {
      times: clients.map(() => []),
      markers: clients.map(() => new Map<number, number>()),
    };
    clients.forEach((client, i) =>
      client.onFrame((frame, at) => {
        if (frame.type !== 'assistant_delta') return;
        delivery.times[i]?.push(at);
        for (const match of String(frame.delta).matchAll(/<(\d+)>/g))
          delivery.markers[i]?.set(Number(match[1]), at);
      }),
    );
    const ended = Promise.all(clients.map((client) => until(client, (f) => f.type === 'cost')));
    const plan = provider.plan(chunks, paceMs);
    const pid = server.child.pid ?? 0;
    const cpuBefore = await cpuMs(pid);
    clients[0]?.socket.send(JSON.stringify({ type: 'message', session_id: session, content: 'go' }));
    await ended;
    return { delivery, plan, cpu: (await cpuMs(pid)) - cpuBefore };
  } finally {
    for (const client of clients) client.close();
  }
}

/** CPU time (user + system) a process has used, from /proc (clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const marked = (count: number, filler = ''): string[] =>
  Array.from({ length: count }, (_, i) => `<${i}>${filler}`);

// ---- memory ----------------------------------------------------------------------------------

type FloodSetup = 'reader' | 'default' | 'none';

interface FloodResult {
  /** The server's peak RSS over the turns, above its RSS before them (MB). */
  rss: number;
  /**
   * Bytes the server process held for the client that never reads: with the limit, the unsent bytes
   * its log line names when it dropped the client; without, after the last turn, what the client
   * got in the end less what it had read and what the kernel held on both ends of its connection.
   */
  held: number;
  dropped: boolean;
}

/** The unsent bytes of one TCP connection on this machine's loopback: [server side tx, client side rx]. */
async function kernelQueued(serverPort: number, clientPort: number): Promise<number> {
  const hex = (port: number): string => port.toString(16).toUpperCase().padStart(4, '0');
  let queued = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const table = await readFile(file, 'utf8').catch(() => '');
    for (const line of table.split('\n').slice(1)) {
      const [, local, remote, , queues] = line.trim().split(/\s+/);
      if (local === undefined || remote === undefined || queues === undefined) continue;
      const [tx, rx] = queues.split(':').map((n) => parseInt(n, 16));
      const ends = `${local.split(':').at(-1)}>${remote.split(':').at(-1)}`;
      if (ends === `${hex(serverPort)}>${hex(clientPort)}`) queued += tx ?? 0;
      if (ends === `${hex(clientPort)}>${hex(serverPort)}`) queued += rx ?? 0;
    }
  }
  return queued;
}

/** Bytes that arrived on a client's connection (frames with their headers), read or not by `ws`. */
const bytesRead = (client: Client): number =>
  (client.socket as unknown as { _socket: { bytesRead: number } })._socket.bytesRead;

/**
 * FLOOD_TURNS turns of FLOOD_TURN_MB each (one session per turn, so no context grows), each run by a
 * reading client that attaches, sends and detaches; beside it, unless `setup` is 'reader', a client
 * attached to every session (with deltas, as the reader) that never reads: with the default buffer
 * limit, or none. The kernel holds the first tens of MB a paused client does not read (tcp_rmem,
 * tcp_wmem), so the turns add up to far more than that.
 */
async function flood(setup: FloodSetup, run: number): Promise<FloodResult> {
  const provider = await startProvider();
  const home = await makeOctoHome(provider.url);
  const limit = setup === 'none' ? NO_LIMIT : DEFAULT_LIMIT;
  await writeFile(
    path.join(home.dataDir, 'config.toml'),
    e2eConfig(provider.url, `[server]\nclient_buffer_bytes = ${limit}\n`),
  );
  const server = await startServer(home);
  try {
    const pid = server.child.pid ?? 0;
    const sessions = Array.from({ length: FLOOD_TURNS }, (_, turn) => `flood-${run}-${turn}`);
    const reader = await connect(server);
    const filler = 'x'.repeat(FLOOD_CHUNK_BYTES);
    const chunks = marked(Math.round((FLOOD_TURN_MB * 1024 * 1024) / FLOOD_CHUNK_BYTES), filler);
    /** The reader attaches, runs the turn and detaches: only a client still attached keeps the session. */
    const floodTurn = async (session: string): Promise<void> => {
      await attachAll([reader], session);
      const ended = until(reader, (f) => f.type === 'cost' && f.session_id === session);
      provider.plan(chunks, 0);
      reader.socket.send(JSON.stringify({ type: 'message', session_id: session, content: 'flood' }));
      await ended;
      reader.socket.send(JSON.stringify({ type: 'detach', session_id: session }));
    };
    // A first turn loads what any turn of that size needs (the tokenizer, the provider's client).
    await floodTurn(`warm-${run}`);
    const sleeper = setup === 'reader' ? null : await connect(server);
    if (sleeper !== null) for (const session of sessions) await attachAll([sleeper], session);
    sleeper?.socket.pause();
    const readBefore = sleeper === null ? 0 : bytesRead(sleeper);
    const idle = await rssMb(pid);
    let peak = idle;
    const sampler = setInterval(() => {
      void rssMb(pid).then(
        (mb) => (peak = Math.max(peak, mb)),
        () => {},
      );
    }, 20);
    try {
      for (const session of sessions) await floodTurn(session);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, await rssMb(pid));
    const dropLines = [...server.stderr().matchAll(/dropped client .*?: (\d+) bytes unsent.*does not read/g)];
    let held = Math.max(0, ...dropLines.map((m) => Number(m[1])));
    if (sleeper !== null && dropLines.length === 0) {
      // Still attached: what it gets once it reads, less what it had and what the kernel holds.
      const local = sleeper.socket as unknown as { _socket: { localPort: number; remotePort: number } };
      const inKernel = await kernelQueued(local._socket.remotePort, local._socket.localPort);
      const arrived = bytesRead(sleeper) - readBefore;
      const last = sessions.at(-1) ?? '';
      const drained = until(sleeper, (f) => f.type === 'cost' && f.session_id === last);
      sleeper.socket.resume();
      await drained;
      held = bytesRead(sleeper) - readBefore - arrived - inKernel;
    }
    sleeper?.close();
    reader.close();
    return { rss: peak - idle, held, dropped: dropLines.length > 0 };
  } finally {
    await server.stop();
    provider.close();
    await home.cleanup();
  }
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

function progress(line: string): void {
  process.stderr.write(`bench/server: ${line}\n`);
}

// ---- the runs --------------------------------------------------------------------------------

const asked = process.argv.slice(2);
const phase = (name: 'rate' | 'latency' | 'memory'): boolean => asked.length === 0 || asked.includes(name);

const provider = await startProvider();
const home = await makeOctoHome(provider.url);
const server = await startServer(home);
const rows: Row[] = [];
try {
  // A first turn loads what every later one uses (the provider's client, the tokenizer's worker): the
  // first measured run would otherwise carry it.
  await turn(server, provider, 1, 'warm-up', marked(PACED_CHUNKS), 0);
  for (const count of phase('rate') ? CLIENT_COUNTS : []) {
    const perClient: number[] = [];
    const total: number[] = [];
    const cpu: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const { delivery, cpu: used } = await turn(
        server,
        provider,
        count,
        `rate-${count}-${run}`,
        marked(CHUNKS),
        0,
      );
      cpu.push(used);
      const first = Math.min(...delivery.times.map((t) => t[0] ?? Infinity));
      const last = Math.max(...delivery.times.map((t) => t.at(-1) ?? 0));
      const frames = delivery.times.reduce((sum, t) => sum + t.length, 0);
      perClient.push(
        median(delivery.times.map((t) => (t.length - 1) / (((t.at(-1) ?? 0) - (t[0] ?? 0)) / 1000))),
      );
      total.push(frames / ((last - first) / 1000));
      progress(`${count} clients, run ${run + 1}: ${Math.round(total.at(-1) ?? 0)} frames/s in all`);
    }
    rows.push({
      measure: `\`octo server\`: assistant_delta frames/s each client gets, one turn of ${CHUNKS.toLocaleString('en')} chunks, ${count} client${count === 1 ? '' : 's'}`,
      value: median(perClient),
      unit: 'frames/s',
      note: `${Math.round(median(total)).toLocaleString('en')} frames/s delivered in all; the server's CPU for the turn ${Math.round(median(cpu))} ms, ${((median(cpu) * 1000) / (CHUNKS * count)).toFixed(0)} µs per frame delivered`,
    });
  }
  for (const count of phase('latency') ? [1, 10] : []) {
    const p50: number[] = [];
    const p99: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      const { delivery, plan } = await turn(
        server,
        provider,
        count,
        `pace-${count}-${run}`,
        marked(PACED_CHUNKS),
        PACE_MS,
      );
      const latencies = delivery.markers.flatMap((markers) =>
        [...markers].map(([index, at]) => at - (plan.sentAt[index] ?? Number.NaN)),
      );
      p50.push(percentile(latencies, 50));
      p99.push(percentile(latencies, 99));
      progress(
        `latency, ${count} clients, run ${run + 1}: p50 ${p50.at(-1)?.toFixed(1)} ms, p99 ${p99.at(-1)?.toFixed(1)} ms`,
      );
    }
    rows.push({
      measure: `\`octo server\`: a model chunk to its assistant_delta at the client, p99, ${count} client${count === 1 ? '' : 's'} (a chunk every ${PACE_MS} ms)`,
      value: median(p99),
      unit: 'ms',
      goal: '< 20 ms',
      pass: median(p99) < 20,
      note: `p50 ${median(p50).toFixed(1)} ms`,
    });
  }
} finally {
  await server.stop();
  provider.close();
  await home.cleanup();
}
const floodRuns = Math.min(RUNS, 3);
const MB = 1024 * 1024;
const floods = new Map<FloodSetup, FloodResult[]>();
for (const setup of phase('memory') ? (['reader', 'default', 'none'] as const) : []) {
  const results: FloodResult[] = [];
  for (let run = 0; run < floodRuns; run += 1) {
    results.push(await flood(setup, run));
    const last = results.at(-1);
    progress(
      `memory, ${setup}, run ${run + 1}: RSS +${last?.rss.toFixed(1)} MB, held ${((last?.held ?? 0) / MB).toFixed(1)} MB for the never-reading client, dropped ${last?.dropped}`,
    );
  }
  floods.set(setup, results);
}
const reader = floods.get('reader');
const limited = floods.get('default');
const unlimited = floods.get('none');
if (reader !== undefined && limited !== undefined && unlimited !== undefined) {
  const rss = (results: FloodResult[]): string => `${median(results.map((r) => r.rss)).toFixed(0)} MB`;
  const frames = `${FLOOD_TURNS} turns of ${FLOOD_TURN_MB} MB replies (about ${2 * FLOOD_TURNS * FLOOD_TURN_MB} MB of frames to each client)`;
  const dropped = limited.filter((r) => r.dropped).length;
  const worst = (DEFAULT_LIMIT * 9) / MB;
  rows.push({
    measure: `\`octo server\`: bytes held for a client that never reads, default 8 MB client_buffer_bytes, ${frames}`,
    value: median(limited.map((r) => r.held / MB)),
    unit: 'MB',
    goal: `dropped, ≤ ${worst} MB`,
    pass: dropped === limited.length && limited.every((r) => r.held <= DEFAULT_LIMIT * 9),
    note: `dropped with a log line in ${dropped} of ${limited.length} runs; peak RSS growth ${rss(limited)}, ${rss(reader)} with no such client`,
  });
  rows.push({
    measure: `\`octo server\`: bytes held for a client that never reads, no limit (4 GB), ${frames}`,
    value: median(unlimited.map((r) => r.held / MB)),
    unit: 'MB',
    note: `what the limit saves: the kernel took the rest; peak RSS growth ${rss(unlimited)}`,
  });
}
emit(`octo server: ${RUNS} runs per row`, rows);
