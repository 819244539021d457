/**
 * Rows of the benchmark table (README, "Performance"): each figure with what it is compared to in the same run,
 * the goal and whether it holds. A script prints its rows; under `npm run bench` (bench/run.ts) it
 * also appends them to the file named by OCTO_BENCH_RESULTS, from which the table is made.
 */
import { appendFileSync } from 'node:fs';
import { machine, median } from './support.js';

export interface Row {
  /** What was measured, as the table's first column says it. */
  measure: string;
  /** Median of the runs. */
  value: number;
  unit: 'ms' | 'MB' | 'frames/s';
  /** What the figure is compared with, measured in the same runs (`node -e 0`, the floor, another row). */
  base?: { name: string; value: number };
  /** Median of the per-run ratios value / base (each pair measured back to back). */
  ratio?: number;
  /** The goal, as text ("≤ 1.2× node -e 0"), and whether the medians meet it. */
  goal?: string;
  pass?: boolean;
  /** Spread or detail worth a look. */
  note?: string;
}

/** Per-run ratios a[i] / b[i] of runs measured back to back, and their median. */
export function pairedRatio(values: readonly number[], bases: readonly number[]): number {
  return median(values.map((v, i) => v / (bases[i] ?? Number.NaN)));
}

export function spread(values: readonly number[], unit = 'ms'): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `runs ${sorted.map((v) => v.toFixed(0)).join(', ')} ${unit}`;
}

function format(value: number, unit: Row['unit']): string {
  if (unit === 'ms' && value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (unit === 'frames/s') return `${Math.round(value).toLocaleString('en')} ${unit}`;
  return `${value.toFixed(unit === 'MB' ? 1 : 0)} ${unit}`;
}

/** This build's runs against the base build's, run by run (OCTO_BENCH_BASE): the change's own ratio. */
export function againstBase(measure: string, self: readonly number[], base: readonly number[]): Row {
  return {
    measure: `${measure}: this build against the base`,
    value: median(self),
    unit: 'ms',
    base: { name: 'base', value: median(base) },
    ratio: pairedRatio(self, base),
  };
}

/** Prints the rows of one script, and hands them to the runner when it asked for them. */
export function emit(title: string, rows: readonly Row[]): void {
  const lines = rows.map((row) => {
    const base = row.base === undefined ? '' : `; ${row.base.name} ${format(row.base.value, row.unit)}`;
    const ratio = row.ratio === undefined ? '' : `; ratio ${row.ratio.toFixed(2)}×`;
    const goal = row.goal === undefined ? '' : `; goal ${row.goal}: ${row.pass === true ? 'met' : 'MISSED'}`;
    const note = row.note === undefined ? '' : ` (${row.note})`;
    return `- ${row.measure}: ${format(row.value, row.unit)}${base}${ratio}${goal}${note}`;
  });
  process.stdout.write([`## ${title}`, `machine: ${machine()}`, ...lines, ''].join('\n'));
  const file = process.env.OCTO_BENCH_RESULTS;
  if (file !== undefined && file !== '')
    appendFileSync(file, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
}

/** The table of all rows, as Markdown. */
export function table(rows: readonly Row[]): string {
  const header = ['measure (median)', 'octo', 'compared with (same runs)', 'ratio', 'goal', ''];
  const body = rows.map((row) => [
    row.measure,
    format(row.value, row.unit),
    row.base === undefined ? '' : `${row.base.name} ${format(row.base.value, row.unit)}`,
    row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}×`,
    row.goal ?? '',
    row.pass === undefined ? '' : row.pass ? 'met' : 'MISSED',
  ]);
  const lines = [header, header.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}
