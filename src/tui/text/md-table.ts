/**
 * Markdown tables laid out for a pane of a given width: columns as wide as their widest cell, narrowed
 * (cells wrapped) when the table is wider than the pane, and as one record per row when even narrowed
 * columns would be too thin to read.
 */
import { lineWidth, seg, wrapLine, type Segment, type StyledLine, type StyleKey } from './styled.js';

export type CellAlign = 'left' | 'right' | 'center' | null;

/** A table as the renderer keeps it until the pane's width is known; each cell is one styled line. */
export interface MdTable {
  header: StyledLine[];
  rows: StyledLine[][];
  align: CellAlign[];
}

/** A wrapped column narrower than this reads as a column of word fragments: rows become records. */
export const MIN_WRAPPED_COLUMN = 8;
const BORDER: StyleKey = 'dim';

const cellAt = (row: readonly StyledLine[], column: number): StyledLine => row[column] ?? [];

/** Header cells are set apart: their plain text is drawn strong, code and links keep their look. */
const headerCell = (cell: StyledLine): StyledLine =>
  cell.map((s) => (s.style === 'text' ? { text: s.text, style: 'strong' } : s));

/** Columns of each width: natural when they fit, else the narrow ones whole and the rest sharing. */
export function columnWidths(natural: readonly number[], room: number): number[] | null {
  const total = natural.reduce((a, b) => a + b, 0);
  if (total <= room) return [...natural];
  const widths = natural.map(() => 0);
  let open = natural.map((_, i) => i);
  let left = room;
  for (;;) {
    const share = Math.floor(left / Math.max(1, open.length));
    const whole = open.filter((i) => (natural[i] ?? 0) <= share);
    if (whole.length === 0) break;
    for (const i of whole) {
      widths[i] = natural[i] ?? 0;
      left -= widths[i] ?? 0;
    }
    open = open.filter((i) => !whole.includes(i));
  }
  const share = Math.floor(left / Math.max(1, open.length));
  if (share < MIN_WRAPPED_COLUMN) return null;
  let extra = left - share * open.length;
  for (const i of open) {
    widths[i] = share + (extra > 0 ? 1 : 0);
    extra -= 1;
  }
  return widths;
}

function trimEnd(line: Segment[]): Segment[] {
  const out = line.map((s) => ({ ...s }));
  while (out.length > 0) {
    const last = out[out.length - 1];
    if (last === undefined) break;
    last.text = last.text.trimEnd();
    if (last.text !== '') break;
    out.pop();
  }
  return out;
}

function aligned(line: Segment[], width: number, align: CellAlign): Segment[] {
  const pad = Math.max(0, width - lineWidth(line));
  const before = align === 'right' ? pad : align === 'center' ? Math.floor(pad / 2) : 0;
  const out: Segment[] = [];
  if (before > 0) out.push(seg(' '.repeat(before)));
  out.push(...line);
  if (pad - before > 0) out.push(seg(' '.repeat(pad - before)));
  return out;
}

function rule(widths: readonly number[], left: string, mid: string, right: string): Segment[] {
  return [seg(`${left}${widths.map((w) => '─'.repeat(w + 2)).join(mid)}${right}`, BORDER)];
}

/** One table row: each cell wrapped to its column, the row as tall as its tallest cell. */
function rowLines(cells: readonly StyledLine[], widths: readonly number[], align: readonly CellAlign[]) {
  const wrapped = widths.map((w, i) => wrapLine(cellAt(cells, i), w).map(trimEnd));
  const height = Math.max(1, ...wrapped.map((c) => c.length));
  const lines: Segment[][] = [];
  for (let r = 0; r < height; r++) {
    const line: Segment[] = [seg('│ ', BORDER)];
    widths.forEach((w, i) => {
      if (i > 0) line.push(seg(' │ ', BORDER));
      line.push(...aligned(wrapped[i]?.[r] ?? [], w, align[i] ?? null));
    });
    line.push(seg(' │', BORDER));
    lines.push(line);
  }
  return lines;
}

/** Each row as "Header: value" lines, rows parted by a short rule: for tables too wide to be columns. */
function recordLines(table: MdTable, width: number): Segment[][] {
  const out: Segment[][] = [];
  table.rows.forEach((row, r) => {
    if (r > 0) out.push([seg('─'.repeat(Math.min(width, 12)), BORDER)]);
    table.header.forEach((head, i) => {
      const label = [...headerCell(head), seg(': ', 'strong')];
      out.push(
        ...wrapLine([...label, ...cellAt(row, i)], width, { rest: [seg(width > 4 ? '  ' : '')] }).map(
          trimEnd,
        ),
      );
    });
  });
  return out;
}

/** The table as screen lines at most `width` columns wide. */
export function layoutTable(table: MdTable, width: number): Segment[][] {
  const count = table.header.length;
  if (count === 0) return [];
  const natural = table.header.map((head, i) =>
    Math.max(1, lineWidth(head), ...table.rows.map((row) => lineWidth(cellAt(row, i)))),
  );
  // "│ " before the first cell, " │ " between cells, " │" after the last.
  const room = width - (3 * count + 1);
  const widths = room >= count ? columnWidths(natural, room) : null;
  if (widths === null) return recordLines(table, Math.max(1, width));
  const body = table.rows.map((row) => rowLines(row, widths, table.align));
  // Rows that wrap are ruled apart, or their lines would read as rows of their own.
  const ruled = body.some((lines) => lines.length > 1);
  const out: Segment[][] = [rule(widths, '┌', '┬', '┐')];
  out.push(...rowLines(table.header.map(headerCell), widths, table.align));
  out.push(rule(widths, '├', '┼', '┤'));
  body.forEach((lines, r) => {
    if (r > 0 && ruled) out.push(rule(widths, '├', '┼', '┤'));
    out.push(...lines);
  });
  out.push(rule(widths, '└', '┴', '┘'));
  return out;
}
