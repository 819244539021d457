/** Shared bits of the benchmarks: the machine, medians, and timed runs of the real binary. */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Workspace } from '../src/core/api.js';
import { createWorkspace } from '../src/core/workspace.js';
import { BIN, type OctoHome } from '../test/e2e/support.js';

export function machine(): string {
  const cpu = cpus();
  // Other work on a shared 2-core machine moves the figures a lot; the load says how much.
  const load = loadavg()[0]?.toFixed(1) ?? '?';
  return `${cpu[0]?.model.trim() ?? 'unknown cpu'}, ${cpu.length} cores, node ${process.version}, ${process.platform}, load ${load}`;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

export interface TimedRun {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Wall time from spawn to exit of `node bin/octo.js ...args`. */
export function timeOcto(
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
): Promise<TimedRun> {
  return timeCommand(process.execPath, [BIN, ...args], cwd, env);
}

export function timeCommand(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
): Promise<TimedRun> {
  const started = performance.now();
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }));
  });
}

export function report(title: string, lines: readonly string[]): void {
  process.stdout.write([`## ${title}`, `machine: ${machine()}`, ...lines, ''].join('\n'));
}

/**
 * Waits after seeding a store (thousands of flushed writes): the kernel's writeback and the seeding
 * process's own clean-up would otherwise run during the first measured runs, on the same two cores.
 */
export function settle(ms = 3000): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A workspace in the home's project, as `octo` started there would open, for seeding a store. */
export function homeWorkspace(home: OctoHome): Promise<Workspace> {
  return createWorkspace({
    env: home.env,
    home: home.home,
    cwd: home.projectDir,
    clock: { now: () => Date.now() },
    pid: process.pid,
  });
}

/** Runs of each measured row: OCTO_BENCH_RUNS, at least 5 (a median of at least five runs, so one slow run cannot move a figure). */
export function benchRuns(fallback = 7): number {
  const asked = Number(process.env.OCTO_BENCH_RUNS ?? fallback);
  return Number.isInteger(asked) && asked >= 5 ? asked : fallback;
}

/**
 * The octo the benchmarks start: this checkout's, or another build named by OCTO_BENCH_BIN (a copy of
 * an older commit, to measure a change before and after on the same machine in the same hour).
 */
export const OCTO_BIN = process.env.OCTO_BENCH_BIN ?? BIN;

/** The argv that starts octo with `args`, as a user's shell would (node running bin/octo.js). */
export function octoArgv(...args: string[]): string[] {
  return [process.execPath, OCTO_BIN, ...args];
}

/** A build of octo a benchmark measures: this one, or the base of an A/B comparison. */
export interface Build {
  /** '' for this build; ' (base)' for the other. */
  label: string;
  argv(...args: string[]): string[];
}

/**
 * The builds to measure: this one, and with OCTO_BENCH_BASE (another checkout's bin/octo.js, built) that
 * one too, in the same runs and interleaved, so that a change is measured before and after under the
 * same load. Scripts that support it say so.
 */
export function builds(): Build[] {
  const self: Build = { label: '', argv: octoArgv };
  const base = process.env.OCTO_BENCH_BASE;
  if (base === undefined || base === '') return [self];
  return [self, { label: ' (base)', argv: (...args) => [process.execPath, base, ...args] }];
}

/** The builds in the order run `run` measures them: alternating, so that neither always goes first. */
export function inTurn<T>(items: readonly T[], run: number): T[] {
  return run % 2 === 0 ? [...items] : [...items].reverse();
}
