/**
 * Where a process's time went, from a `node --cpu-prof` profile: self time by origin (a source file of
 * octo, a package, node's own code, V8's compiler and GC) and by function, over the whole profile or
 * its first milliseconds. Bundled code is traced back to its source through dist/'s source maps.
 * Run: npx tsx bench/profile.ts PROFILE.cpuprofile [--until MS] [--top N] [--by file|package]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Milliseconds the summary covers. */
  span: number;
  byOrigin: Array<[string, number]>;
  byFunction: Array<[string, number]>;
}

/** Self time of each origin and function in the first `until` ms (all of it by default). */
export function summarize(
  profile: CpuProfile,
  until = Infinity,
  by: 'file' | 'package' = 'package',
): ProfileSummary {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const maps = new SourceMaps();
  const origins = new Map<string, number>();
  const functions = new Map<string, number>();
  let at = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    // A sample's time is the gap to the next one.
    const delta = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    at += (profile.timeDeltas[i] ?? 0) / 1000;
    if (at > until) break;
    const node = nodes.get(profile.samples[i] ?? -1);
    if (node === undefined) continue;
    const source = maps.locate(node.callFrame);
    const origin = originOf(source, node.callFrame, by);
    origins.set(origin, (origins.get(origin) ?? 0) + delta);
    const name =
      `${node.callFrame.functionName || '(anonymous)'} ${source === null ? '' : path.basename(source)}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + delta);
  }
  const sorted = (m: Map<string, number>): Array<[string, number]> => [...m].sort((a, b) => b[1] - a[1]);
  return { span: Math.min(at, until), byOrigin: sorted(origins), byFunction: sorted(functions) };
}

function originOf(source: string | null, frame: CallFrame, by: 'file' | 'package'): string {
  const url = source ?? frame.url;
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return 'node:internal';
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') === true ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const src = url.lastIndexOf('/src/');
  if (src !== -1) {
    const file = url.slice(src + 1);
    return by === 'file' ? file : file.split('/').slice(0, 3).join('/');
  }
  return url;
}

/** Original source of a position in dist/ through the bundle's source map (esbuild's VLQ mappings). */
class SourceMaps {
  private readonly loaded = new Map<string, { sources: string[]; lines: number[][][] } | null>();

  locate(frame: CallFrame): string | null {
    if (!frame.url.startsWith('file://') || !frame.url.endsWith('.js')) return null;
    const map = this.load(frame.url);
    const segments = map?.lines[frame.lineNumber];
    if (map === null || map === undefined || segments === undefined) return null;
    let best: number[] | undefined;
    for (const segment of segments) {
      if ((segment[0] ?? 0) > frame.columnNumber) break;
      best = segment;
    }
    return best === undefined || best.length < 2 ? null : (map.sources[best[1] ?? 0] ?? null);
  }

  private load(url: string): { sources: string[]; lines: number[][][] } | null {
    if (this.loaded.has(url)) return this.loaded.get(url) ?? null;
    let map: { sources: string[]; lines: number[][][] } | null = null;
    try {
      const file = fileURLToPath(url);
      const raw = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[]; mappings: string };
      map = {
        sources: raw.sources.map((s) => path.resolve(path.dirname(file), s)),
        lines: decodeMappings(raw.mappings),
      };
    } catch {
      // Not a bundle of ours (or no map): the frame keeps its own url.
      map = null;
    }
    this.loaded.set(url, map);
    return map;
  }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Segments per generated line: [column, source, line, column] with the deltas resolved. */
function decodeMappings(mappings: string): number[][][] {
  const lines: number[][][] = [];
  const state = [0, 0, 0, 0];
  for (const line of mappings.split(';')) {
    state[0] = 0;
    const segments: number[][] = [];
    for (const text of line.split(',')) {
      if (text === '') continue;
      const values = decodeVlq(text);
      const segment: number[] = [];
      values.forEach((value, i) => {
        if (i > 3) return;
        state[i] = (state[i] ?? 0) + value;
        segment.push(state[i] ?? 0);
      });
      segments.push(segment);
    }
    lines.push(segments);
  }
  return lines;
}

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = BASE64.indexOf(char);
    value += (digit & 31) << shift;
    if ((digit & 32) !== 0) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const file = process.argv[2];
  if (file === undefined)
    throw new Error('usage: profile.ts PROFILE.cpuprofile [--until MS] [--top N] [--by file|package]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const top = Number(option('--top') ?? 25);
  const by = option('--by') === 'file' ? 'file' : 'package';
  const summary = summarize(profile, Number(option('--until') ?? Infinity), by);
  const line = ([name, ms]: [string, number]): string => `${ms.toFixed(1).padStart(8)} ms  ${name}`;
  process.stdout.write(
    [
      `${path.basename(file)}: ${summary.span.toFixed(0)} ms`,
      'by origin:',
      ...summary.byOrigin.slice(0, top).map(line),
      'by function:',
      ...summary.byFunction.slice(0, top).map(line),
      '',
    ].join('\n'),
  );
}
