/** A reply's reasoning, collapsed under it (one line) or expanded, and the word on a reply cut short. */
import { sanitizeText } from '../../core/text/index.js';
import { seg, wrapLine, type Segment } from '../text/styled.js';
import type { ConversationItem } from './conversation-items.js';
import { withThousands } from './format.js';
import { keyLabel } from '../keymap.js';

const INDENT = '  ';
/** Characters of reasoning drawn when expanded; the rest is stated (a model may think for pages). */
const REASONING_SCREEN_CAP = 20_000;

export function reasoningLines(
  reasoning: string,
  width: number,
  expanded: boolean,
  selected: boolean,
): Segment[][] {
  const size = `${withThousands(reasoning.length)} chars`;
  const look = selected ? 'selected' : 'dim';
  if (!expanded) {
    const key = keyLabel('toggleReasoning');
    return [
      [seg(`${INDENT}▸ reasoning · ${size}`, look), seg(key === '' ? '' : ` (${key} shows it)`, 'dim')],
    ];
  }
  const shown =
    reasoning.length > REASONING_SCREEN_CAP ? reasoning.slice(0, REASONING_SCREEN_CAP) : reasoning;
  const lines: Segment[][] = [[seg(`${INDENT}▾ reasoning · ${size}`, look)]];
  for (const line of sanitizeText(shown).split('\n'))
    lines.push(...wrapLine([seg(line, 'reasoning')], width, { first: [seg(`${INDENT}│ `, 'dim')] }));
  if (shown.length < reasoning.length)
    lines.push([
      seg(
        `${INDENT}│ … ${withThousands(reasoning.length - shown.length)} more characters not shown`,
        'warning',
      ),
    ]);
  return lines;
}

type MessageItem = Extract<ConversationItem, { kind: 'message' }>;

/** A reply that is not whole says so, and how to get the rest. */
export function finishLines(item: MessageItem, width: number): Segment[][] {
  const said = item.providerFinishReason === null ? '' : ` (${item.providerFinishReason})`;
  const text = finishText(item);
  return text === null
    ? []
    : wrapLine([seg(`${INDENT}⚠ ${text}${said}`, 'warning')], width, { rest: [seg(`${INDENT}  `)] });
}

function finishText(item: MessageItem): string | null {
  switch (item.finishReason) {
    case 'length':
      return 'cut off at the model\'s output limit — send "continue" for the rest';
    case 'content_filter':
      return "stopped by the provider's content filter";
    case 'error':
      // An interrupted record already says so in its header; a finished one ended by an error does not.
      return item.interrupted ? null : 'ended by an error';
    case 'stop':
    case 'tool_calls':
    case null:
      return null;
  }
}
