/** The status bar: model, project, lock state and key hints (hint labels come from the keymap table). */
import type { LockHolder } from '../../core/api.js';
import { sanitizeLine } from '../../core/text/index.js';
import { KEYMAP, type ActionId } from '../keymap.js';
import { seg, type Segment, type StyledLine } from '../text/styled.js';
import { fit, strWidth } from '../text/width.js';

export interface StatusInput {
  model: string;
  projectDir: string;
  sessionName: string | null;
  readOnly: boolean;
  holder: LockHolder | null;
  /** The process an attached session was reached through went away (the session is read-only). */
  detached: boolean;
  busy: boolean;
  width: number;
}

/** In priority order: when the bar is narrow, hints drop from the end. */
const HINTS: ReadonlyArray<[ActionId, string]> = [
  ['help', 'help'],
  ['send', 'send'],
  ['focusNext', 'focus'],
  ['nextSession', 'next'],
  ['prevSession', 'prev'],
  ['cancelTurn', 'cancel'],
];

function hint(action: ActionId, word: string): Segment[] {
  const binding = KEYMAP.find((b) => b.action === action);
  return [seg(` ${binding?.label.split(',')[0] ?? action}`, 'statusKey'), seg(` ${word} `, 'status')];
}

function lockText(input: StatusInput): Segment {
  if (input.detached) return seg(' ⚠ detached: its holder went away ', 'warning');
  if (!input.readOnly) return seg(' ✎ writable ', 'status');
  const who =
    input.holder === null ? 'another process' : `pid ${input.holder.pid}@${sanitizeLine(input.holder.host)}`;
  return seg(` 🔒 read-only (held by ${who}) `, 'warning');
}

export function statusView(input: StatusInput): StyledLine {
  const project = sanitizeLine(input.projectDir).split('/').filter(Boolean).at(-1) ?? '/';
  const left: Segment[] = [
    seg(` ${sanitizeLine(input.model)} `, 'statusKey'),
    seg(` ${project}`, 'status'),
    seg(input.sessionName === null ? '' : `/${sanitizeLine(input.sessionName)} `, 'status'),
    lockText(input),
  ];
  if (input.busy) left.push(seg(' ⟳ working ', 'busy'));
  const leftWidth = left.reduce((n, s) => n + strWidth(s.text), 0);
  for (let count = HINTS.length; count > 0; count--) {
    const hints = HINTS.slice(0, count).flatMap(([a, w]) => hint(a, w));
    const gap = input.width - leftWidth - hints.reduce((n, s) => n + strWidth(s.text), 0);
    if (gap >= 1) return [...left, seg(' '.repeat(gap), 'status'), ...hints];
  }
  return [seg(fit(left.map((s) => s.text).join(''), input.width), 'status')];
}
