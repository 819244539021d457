/** Styled lines to neo-blessed tag strings, the only form in which panes hand text to the screen. */
import { escapeTags, openTag, type Theme } from '../theme.js';
import type { StyledLine } from './styled.js';

export function lineToTags(line: StyledLine, theme: Theme): string {
  let out = '';
  for (const s of line) {
    if (s.text === '') continue;
    const open = openTag(theme.styles[s.style]);
    out += open === '' ? escapeTags(s.text) : `${open}${escapeTags(s.text)}{/}`;
  }
  return out;
}

export function linesToTags(lines: readonly StyledLine[], theme: Theme): string {
  return lines.map((l) => lineToTags(l, theme)).join('\n');
}
