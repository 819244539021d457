/**
 * What floats over the panes: a question waiting for an answer (an approval, a limit reached) or a job's transcript. Pure:
 * the screen view places the box; these compute its title and lines.
 */
import type { ApprovalAnswer, ApprovalRequest, SearchHit, SessionRecord } from '../../core/api.js';
import { plural, sanitizeLine, sanitizeText } from '../../core/text/index.js';
import { clipLine, seg, wrapLine, type Segment, type StyledLine } from '../text/styled.js';
import { buildItems } from './conversation-items.js';
import { itemLines } from './conversation-lines.js';

export interface OverlayView {
  title: string;
  lines: StyledLine[];
}

/** Lines of an approval's detail shown at most (a long diff or file is cut, with a note). */
const DETAIL_LINES = 12;

const KIND_TEXT: Record<ApprovalRequest['kind'], string> = {
  tool: 'A tool call needs your approval',
  project: "This project's config asks for settings that reach outside it",
};

const APPROVAL_TEXT: Record<ApprovalAnswer, string> = {
  once: 'Allow once',
  always: 'Always (this session)',
  deny: 'Deny',
};

/** One answer in a question's box: its name in the state, and how its button reads. */
export interface Choice<A extends string = string> {
  answer: A;
  text: string;
}

/** The answers in a row (left to right, the chosen one marked) and how to give one. */
function answerLines(choices: readonly Choice[], chosen: string | null, w: number): StyledLine[] {
  const row = choices.flatMap(({ answer, text }): Segment[] => [
    seg(answer === chosen ? `[ ${text} ]` : `  ${text}  `, answer === chosen ? 'selected' : 'strong'),
    seg('  '),
  ]);
  const how = [
    seg(' ←/→ ', 'statusKey'),
    seg(' choose  '),
    seg(' Enter ', 'statusKey'),
    seg(chosen === null ? ' answers once chosen; typing stays in the input' : ' answers'),
  ];
  return [...wrapLine(row, w), ...wrapLine(how, w)];
}

export function approvalOverlay(
  request: ApprovalRequest,
  waiting: number,
  width: number,
  answer: { choices: readonly ApprovalAnswer[]; chosen: string | null },
): OverlayView {
  const w = Math.max(10, width);
  const lines: StyledLine[] = [[seg(KIND_TEXT[request.kind], 'heading')]];
  lines.push(...wrapLine([seg('tool ', 'dim'), seg(sanitizeLine(request.tool), 'strong')], w));
  lines.push(...wrapLine([seg(sanitizeLine(request.summary))], w));
  const detail = sanitizeText(request.detail).split('\n');
  if (request.detail !== '') {
    lines.push([]);
    for (const line of detail.slice(0, DETAIL_LINES)) lines.push(...wrapLine([seg(line, 'code')], w));
    if (detail.length > DETAIL_LINES)
      lines.push([seg(`… ${detail.length - DETAIL_LINES} more lines`, 'dim')]);
  }
  lines.push([]);
  const choices = answer.choices.map((a) => ({ answer: a, text: APPROVAL_TEXT[a] }));
  lines.push(...answerLines(choices, answer.chosen, w));
  if (waiting > 1) lines.push([seg(`${waiting - 1} more waiting after this one`, 'dim')]);
  return { title: ' Approval needed ', lines };
}

/** A spending or token limit reached: `what` says which and how far, `session` where. */
export function limitOverlay(
  facts: { what: string; session: string },
  width: number,
  answer: { choices: readonly Choice[]; chosen: string | null },
): OverlayView {
  const w = Math.max(10, width);
  const lines: StyledLine[] = [[seg('A limit stopped the turn', 'heading')]];
  lines.push(...wrapLine([seg('session ', 'dim'), seg(sanitizeLine(facts.session), 'strong')], w));
  lines.push(...wrapLine([seg(sanitizeLine(facts.what))], w));
  lines.push([]);
  lines.push(...answerLines(answer.choices, answer.chosen, w));
  return { title: ' Limit reached ', lines };
}

/** A job's transcript (its child session) as lines, newest at the bottom. */
export function transcriptLines(records: readonly SessionRecord[], width: number): StyledLine[] {
  const w = Math.max(10, width);
  return buildItems(records).flatMap((item) => [
    ...itemLines(item, w, { expanded: false, selected: false, busy: false }),
    [],
  ]);
}

/** A background shell command's output as lines, sanitised, newest at the bottom. */
export function outputLines(output: string, width: number): StyledLine[] {
  const w = Math.max(10, width);
  return sanitizeText(output)
    .split('\n')
    .flatMap((line) => wrapLine([seg(line, 'code')], w));
}

/** How far a window of `height` lines can be scrolled up from the newest line. */
export function maxScroll(lineCount: number, height: number): number {
  return Math.max(0, lineCount - height);
}

/** The window `scroll` lines up from the newest line (clamped), titled with how to move and close it. */
function scrolledOverlay(title: string, lines: StyledLine[], height: number, scroll: number): OverlayView {
  const up = Math.min(Math.max(0, scroll), maxScroll(lines.length, height));
  const end = lines.length - up;
  const shown = lines.slice(Math.max(0, end - height), end);
  const moves = lines.length > height ? 'PgUp/PgDn scroll · ' : '';
  const below = up > 0 ? ` (${plural(up, 'line')} below)` : '';
  return { title: ` ${sanitizeLine(title)}${below} — ${moves}Esc closes `, lines: shown };
}

/** A job's transcript (its child session), newest at the bottom; `scroll` lines up from the end. */
export function transcriptOverlay(
  title: string,
  records: readonly SessionRecord[] | null,
  width: number,
  height: number,
  scroll = 0,
): OverlayView {
  if (records === null) return { title: ` ${sanitizeLine(title)} `, lines: [[seg('Loading…', 'dim')]] };
  const lines = transcriptLines(records, width);
  if (lines.length === 0) {
    return {
      title: ` ${sanitizeLine(title)} — Esc closes `,
      lines: [[seg('Nothing in this transcript yet.', 'dim')]],
    };
  }
  return scrolledOverlay(title, lines, height, scroll);
}

/** A background shell command's output, sanitised, newest at the bottom; `scroll` as above. */
export function outputOverlay(
  title: string,
  output: string,
  width: number,
  height: number,
  scroll = 0,
): OverlayView {
  return scrolledOverlay(title, outputLines(output, width), height, scroll);
}

export interface SearchBox {
  query: string;
  /** The query the hits answer (null before the first search). */
  searched: string | null;
  hits: readonly SearchHit[];
  cursor: number;
  running: boolean;
}

function snippetLine(hit: SearchHit, selected: boolean, width: number): StyledLine {
  const snippet = sanitizeLine(hit.snippet);
  const base = selected ? 'selected' : 'text';
  // Ranges index the core's (already terminal-safe) snippet: use them only if sanitising changed nothing.
  const ranges = snippet === hit.snippet ? [...hit.matches].sort((a, b) => a[0] - b[0]) : [];
  const out: Segment[] = [seg('    ', base)];
  let at = 0;
  for (const [start, end] of ranges) {
    if (start < at) continue;
    out.push(
      seg(snippet.slice(at, start), base),
      seg(snippet.slice(start, end), selected ? 'selected' : 'strong'),
    );
    at = end;
  }
  out.push(seg(snippet.slice(at), base));
  return clipLine(out, width);
}

/** The search box: the query, then the hits (session, message, snippet), the selected one marked. */
export function searchOverlay(box: SearchBox, width: number, height: number): OverlayView {
  const w = Math.max(10, width);
  const lines: StyledLine[] = [[seg('Search: ', 'strong'), seg(sanitizeLine(box.query)), seg('▏', 'marker')]];
  if (box.running) lines.push([seg('searching…', 'dim')]);
  else if (box.searched === null || box.searched !== box.query)
    lines.push([seg('Enter searches all sessions (messages, tool output, file paths)', 'dim')]);
  else if (box.hits.length === 0) lines.push([seg('No matches.', 'dim')]);
  const room = Math.max(1, Math.floor((height - lines.length) / 2));
  const first = Math.max(0, Math.min(box.cursor - room + 1, box.hits.length - room));
  for (const [i, hit] of box.hits.slice(first, first + room).entries()) {
    const selected = first + i === box.cursor;
    const tool = hit.toolName === undefined ? '' : ` ${sanitizeLine(hit.toolName)}`;
    lines.push(
      clipLine(
        [
          seg(selected ? '▶ ' : '  ', selected ? 'selected' : 'marker'),
          seg(sanitizeLine(hit.sessionName), selected ? 'selected' : 'strong'),
          seg(` #${hit.seq} ${hit.kind}${tool}`, selected ? 'selected' : 'dim'),
        ],
        w,
      ),
      snippetLine(hit, selected, w),
    );
  }
  return { title: ' Search sessions — Up/Down, Enter opens, Esc closes ', lines };
}
