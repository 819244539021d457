import { beforeAll, describe, expect, it } from 'vitest';
import { loadMarkdown, renderMarkdown } from '../../src/tui/text/markdown.js';
import { lineText, seg, wrapLine } from '../../src/tui/text/styled.js';
import { fit, strWidth, truncate } from '../../src/tui/text/width.js';

describe('terminal widths', () => {
  it('counts emoji and CJK as two columns and combining marks as none', () => {
    expect(strWidth('ab')).toBe(2);
    expect(strWidth('😀')).toBe(2);
    expect(strWidth('✅')).toBe(2);
    expect(strWidth('漢字')).toBe(4);
    expect(strWidth('e\u0301')).toBe(1);
  });

  it("measures by Unicode's East Asian Width table, not a partial one of our own", () => {
    // Missing from the table octo had: angle brackets, Tangut, its iteration mark; new emoji.
    expect(strWidth('\u2329\u232a')).toBe(4);
    expect(strWidth('\u{17000}\u{16fe0}')).toBe(4);
    expect(strWidth('\u{1fae8}')).toBe(2);
    expect(strWidth('한국어中文字符')).toBe(14);
    // Ambiguous ones are narrow; joiners and variation selectors take no column.
    expect(strWidth('…±')).toBe(2);
    expect(strWidth('👩\u200d💻')).toBe(4);
    expect(strWidth('❤\ufe0f')).toBe(1);
  });

  it('truncates and pads by columns, never splitting a wide character', () => {
    expect(truncate('hello world', 6)).toBe('hello…');
    expect(truncate('😀😀😀', 4)).toBe('😀…');
    expect(fit('ab', 4)).toBe('ab  ');
    expect(fit('ab', 4, 'right')).toBe('  ab');
  });
});

describe('wrapLine', () => {
  it('wraps at word boundaries, keeping styles and a hanging indent', () => {
    const lines = wrapLine([seg('one two '), seg('three', 'strong'), seg(' four five')], 12, {
      first: [seg('- ')],
    });
    expect(lines.map(lineText)).toEqual(['- one two ', '  three four', '  five']);
    expect(lines[1]).toContainEqual({ text: 'three', style: 'strong' });
  });

  it('breaks a word longer than the line', () => {
    expect(wrapLine([seg('abcdefghij')], 4).map(lineText)).toEqual(['abcd', 'efgh', 'ij']);
  });

  it('ends when the indent of the following lines is wider than the line itself', () => {
    const lines = wrapLine([seg('abc def')], 1, { rest: [seg('    ')] });
    expect(lines.map(lineText).join('').replace(/ /g, '')).toBe('abcdef');
    expect(lines.length).toBeLessThan(10);
  });

  it('never exceeds the width with wide characters', () => {
    const lines = wrapLine([seg('😀😀😀😀😀')], 5);
    for (const line of lines) expect(strWidth(lineText(line))).toBeLessThanOrEqual(5);
    expect(lines.map(lineText).join('')).toBe('😀😀😀😀😀');
  });
});

describe('renderMarkdown', () => {
  beforeAll(loadMarkdown);

  const styles = (text: string): Array<[string, string]> =>
    renderMarkdown(text).flatMap((l) =>
      [...(l.first ?? []), ...l.segments].map((s): [string, string] => [s.text, s.style]),
    );

  it('renders headings, emphasis, strong, inline code and links as styles, without the markup', () => {
    expect(styles('# Title')).toEqual([['Title', 'heading']]);
    expect(styles('a **b** *c* `d` [e](http://x)')).toEqual([
      ['a ', 'text'],
      ['b', 'strong'],
      [' ', 'text'],
      ['c', 'emphasis'],
      [' ', 'text'],
      ['d', 'code'],
      [' ', 'text'],
      ['e', 'link'],
      [' (http://x)', 'dim'],
    ]);
  });

  it('turns list items into bullets with a hanging indent', () => {
    const [item] = renderMarkdown('- item one');
    expect(item?.first?.map((s) => s.text).join('')).toBe('• ');
    expect(item?.rest?.map((s) => s.text).join('')).toBe('  ');
    expect(
      renderMarkdown('2. second')[0]
        ?.first?.map((s) => s.text)
        .join(''),
    ).toBe('2. ');
  });

  it('sets fenced code apart with a frame and keeps its text verbatim', () => {
    const lines = renderMarkdown('```js\nconst a = **1**;\n```\nafter');
    expect(lines.map((l) => [...(l.first ?? []), ...l.segments].map((s) => s.text).join(''))).toEqual([
      '╭─ js',
      '│ const a = **1**;',
      '╰─',
      'after',
    ]);
    expect(lines[1]?.segments[0]?.style).toBe('codeBlock');
  });

  it('marks where the pane wrapped a line of code, unlike a line break of the code itself', () => {
    const [, code] = renderMarkdown('```ts\nexport function add(a: number, b: number): number {\n```');
    const wrapped = wrapLine(code?.segments ?? [], 36, { first: code?.first, rest: code?.rest });
    expect(wrapped.map((l) => lineText(l).trimEnd())).toEqual([
      '│ export function add(a: number, b:',
      '┆ number): number {',
    ]);
  });

  it('closes an unterminated fence at the end of the text (a reply still streaming)', () => {
    const lines = renderMarkdown('```\npartial');
    expect(lines.at(-1)?.segments[0]?.text).toBe('╰─');
  });
});
