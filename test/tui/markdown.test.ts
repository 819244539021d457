/* eslint-disable no-control-regex -- these tests look for terminal control bytes on purpose */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMarkdown, renderGrowing, renderMarkdown } from '../../src/tui/text/markdown.js';
import { columnWidths, layoutTable, MIN_WRAPPED_COLUMN } from '../../src/tui/text/md-table.js';
import { lineText, type StyledLine } from '../../src/tui/text/styled.js';
import { strWidth } from '../../src/tui/text/width.js';
import { wrapMd } from '../../src/tui/view/conversation-lines.js';
import { LiveLines } from '../../src/tui/view/live-lines.js';

beforeAll(loadMarkdown);

/** The text as the conversation draws it at `width`, without the reply's indent and trailing blanks. */
const drawn = (text: string, width = 80): string[] =>
  wrapMd(renderMarkdown(text), width).map((l) => lineText(l).slice(2).trimEnd());

const TABLE = [
  '| Name | Score | Notes |',
  '|:-----|:-----:|------:|',
  '| Alice | 10 | first |',
  '| Bob | 7 | `x` |',
].join('\n');

describe('markdown tables', () => {
  it('draws a table as aligned columns as wide as their widest cell, the header set apart', () => {
    expect(drawn(TABLE)).toEqual([
      '┌───────┬───────┬───────┐',
      '│ Name  │ Score │ Notes │',
      '├───────┼───────┼───────┤',
      '│ Alice │  10   │ first │',
      '│ Bob   │   7   │     x │',
      '└───────┴───────┴───────┘',
    ]);
  });

  it('draws the header strong, the borders dim, and code cells as code', () => {
    const lines = wrapMd(renderMarkdown(TABLE), 80);
    expect(lines[1]).toContainEqual({ text: 'Name', style: 'strong' });
    expect(lines[0]?.at(-1)?.style).toBe('dim');
    expect(lines[4]).toContainEqual({ text: 'x', style: 'code' });
    expect(lines[3]).toContainEqual({ text: 'Alice', style: 'text' });
  });

  it('measures wide characters by the width library: CJK and emoji columns stay aligned', () => {
    const lines = drawn('| k | v |\n|---|---|\n| 漢字 | 😀 |\n| a | bb |');
    expect(lines.map(strWidth)).toEqual(Array(lines.length).fill(strWidth(lines[0] ?? '')));
    expect(lines[3]).toBe('│ 漢字 │ 😀 │');
    expect(lines[4]).toBe('│ a    │ bb │');
  });

  it('wraps the widest columns to fit the pane, keeps narrow ones whole, and rules wrapped rows apart', () => {
    const long = 'a long explanation that goes on well past the width of a narrow pane';
    const text = `| id | what |\n|---|---|\n| 1 | ${long} |\n| 2 | short |`;
    const lines = drawn(text, 40);
    for (const line of lines) expect(strWidth(line)).toBeLessThanOrEqual(38);
    expect(lines[0]).toBe(`┌────┬${'─'.repeat(31)}┐`);
    expect(lines.filter((l) => l.startsWith('│ 1 '))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('│    │ ')).length).toBeGreaterThan(0);
    // Every word is there, in order, and rows are parted by a rule.
    const cells = lines.filter((l) => l.startsWith('│')).map((l) => l.split('│')[2]?.trim());
    expect(cells.slice(1, -1).join(' ')).toBe(long);
    expect(lines.filter((l) => l.startsWith('├'))).toHaveLength(2);
  });

  it('shares the room among wide columns and gives up on columns when they would be too thin', () => {
    expect(columnWidths([3, 50, 50], 60)).toEqual([3, 29, 28]);
    expect(columnWidths([5, 5], 20)).toEqual([5, 5]);
    expect(columnWidths([30, 30, 30, 30], 4 * MIN_WRAPPED_COLUMN - 1)).toBeNull();
  });

  it('draws each row as a record when the pane is too narrow for its columns', () => {
    const header = ['Name', 'Kind', 'Path', 'Size', 'Owner', 'Notes'];
    const row = ['alpha', 'file', 'src/core/store/index.ts', '12 kB', 'store', 'the index'];
    const md = [
      `| ${header.join(' | ')} |`,
      `|${header.map(() => '---').join('|')}|`,
      `| ${row.join(' | ')} |`,
    ];
    const lines = drawn(`${md.join('\n')}\n| beta | dir | src/tui | 3 kB | tui | panes |`, 40);
    expect(lines.slice(0, 3)).toEqual(['Name: alpha', 'Kind: file', 'Path: src/core/store/index.ts']);
    expect(lines).toContain('Notes: the index');
    expect(lines[6]).toMatch(/^─+$/);
    expect(lines[7]).toBe('Name: beta');
    for (const line of lines) expect(strWidth(line)).toBeLessThanOrEqual(38);
  });

  it('lays a table out inside a list item and a quote, under their markers', () => {
    const lines = drawn('- item\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n\n> | q |\n> |---|\n> | z |');
    expect(lines).toContain('  ┌───┬───┐');
    expect(lines).toContain('  │ 1 │ 2 │');
    expect(lines).toContain('▌ │ z │');
  });

  it('honours every alignment in header and body', () => {
    const lines = drawn('| left | mid | right |\n|:--|:-:|--:|\n| a | b | c |');
    expect(lines[1]).toBe('│ left │ mid │ right │');
    expect(lines[3]).toBe('│ a    │  b  │     c │');
  });

  it('never draws a line wider than it is given, at any width a wide character fits in', () => {
    const text = `${TABLE}\n| ${'word '.repeat(30)} | 😀😀😀 | 漢字漢字漢字 |`;
    for (let width = 2; width <= 90; width += 1) {
      const table = renderMarkdown(text).find((l) => l.table !== undefined)?.table;
      if (table === undefined) throw new Error('no table');
      for (const line of layoutTable(table, width))
        expect(strWidth(lineText(line))).toBeLessThanOrEqual(width);
    }
  });
});

describe('markdown blocks', () => {
  it('nests lists, numbers ordered ones from their start, and marks tasks', () => {
    expect(drawn('3. three\n4. four\n   - inner *em*\n- [x] done\n- [ ] open')).toEqual([
      '3. three',
      '4. four',
      '   • inner em',
      '• [x] done',
      '• [ ] open',
    ]);
  });

  it('keeps line breaks inside a paragraph and draws one blank line between blocks', () => {
    expect(drawn('# Title\n\n\n\nline one\nline two\n\n---\n> quoted **b**')).toEqual([
      'Title',
      '',
      'line one',
      'line two',
      '',
      '────────────────────────────────────────',
      '▌ quoted b',
    ]);
  });

  it('frames code in a list item under the item, with its language', () => {
    expect(drawn('1. run:\n\n   ```sh\n   npm test\n   ```')).toEqual([
      '1. run:',
      '',
      '   ╭─ sh',
      '   │ npm test',
      '   ╰─',
    ]);
  });

  it('says a link once when its text is its address, and names images', () => {
    expect(drawn('<https://a.example> and [docs](https://b.example) ![logo](l.png)')).toEqual([
      'https://a.example and docs (https://b.example) [image: logo] (l.png)',
    ]);
  });
});

describe('hostile bytes in markdown', () => {
  const HOSTILE = ['\u001b[2J', '\u009b31m', '\u202e', '&#27;[31m', '&#x9b;1m'];
  const joined = (lines: readonly StyledLine[]): string => lines.map(lineText).join('\n');

  it.each(HOSTILE)('removes %j from a table cell, a code span, a link, code and a heading', (bad) => {
    const text = [
      `# Head${bad}ing`,
      `| a${bad}b | \`c${bad}d\` |`,
      '|---|---|',
      `| [e${bad}f](http://x/${bad}) | g${bad}h |`,
      '',
      `Some \`code ${bad} span\` and [link ${bad}](https://y${bad}.example) and **${bad}**`,
      '',
      '```sh' + bad,
      `echo ${bad}`,
      '```',
    ].join('\n');
    for (const width of [80, 30]) {
      const out = joined(wrapMd(renderMarkdown(text), width));
      expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      expect(out).toContain('Heading');
    }
  });

  it('removes them from a reply still streaming, in an open fence and an open table', () => {
    const live = new LiveLines();
    const text = `| a |\n|---|\n| x\u001b[2J\u202e |\n\n\`\`\`\nopen \u009b31m`;
    expect(joined(live.lines(text, '', 60))).not.toMatch(/[\u001b\u009b\u202e]/);
  });
});

describe('a streaming reply', () => {
  const full = [
    'Intro with **bold**.',
    '',
    '| Tool | Use |',
    '|:--|--:|',
    '| rg | search |',
    '| jq | json |',
    '',
    '```ts',
    'const a = 1;',
    '',
    'const b = 2;',
    '```',
    '',
    '1. one',
    '2. two',
    '',
    'Done.',
  ].join('\n');

  it('draws an open fence and an open table as they stand, closed below', () => {
    const live = new LiveLines();
    const table = live.lines('Intro\n\n| Tool | Use |\n|:--|--:|\n| rg | sea', '', 60).map(lineText);
    expect(table.slice(-4).map((l) => l.trimEnd())).toEqual([
      '  │ Tool │ Use │',
      '  ├──────┼─────┤',
      '  │ rg   │ sea │',
      '  └──────┴─────┘',
    ]);
    const fence = live.lines('Intro\n\n```py\nprint(1)\npri', '', 60).map((l) => lineText(l).trimEnd());
    expect(fence.slice(-4)).toEqual(['  ╭─ py', '  │ print(1)', '  │ pri', '  ╰─']);
  });

  it('ends, chunk by chunk at any size, in the lines a full render draws', () => {
    for (const size of [1, 3, 7, 40]) {
      const live = new LiveLines();
      let lines: StyledLine[] = [];
      for (let at = size; at < full.length + size; at += size) lines = live.lines(full.slice(0, at), '', 50);
      expect(lines.slice(1).map(lineText)).toEqual(wrapMd(renderMarkdown(full), 50).map(lineText));
    }
  });

  it('draws at every point of the stream what a full render of the text so far draws', () => {
    const tricky = [
      'Intro **b**\n\n```ts\nconst a = 1;\n\nconst b = 2;\n```\nafter',
      '  ~~~~py\n  x = 1\n    y\n  ~~~\n  ~~~~\n\n  ```sh\n  ls\n ok\n  ```',
      '```\n```\n```js\nx\n````\ny\n```\n\n\ntext\n\n```ts\na\n\n\n',
    ].join('\n\n');
    for (const doc of [full, tricky]) {
      const live = new LiveLines();
      for (let at = 1; at <= doc.length; at += 1) {
        const text = doc.slice(0, at);
        const shown = live.lines(text, '', 50).slice(1).map(lineText);
        expect(shown, JSON.stringify(text)).toEqual(wrapMd(renderMarkdown(text), 50).map(lineText));
      }
    }
  });

  it('draws the finished lines of an open fence once: only its last line is redone', () => {
    const first = renderGrowing('Intro\n\n```ts\na\nb\nc');
    expect(first.finalLines).toBe(5);
    expect(first.fence).toBe('```ts');
    expect(first.final.map((l) => lineText([...(l.first ?? []), ...l.segments]))).toEqual([
      'Intro',
      '',
      '╭─ ts',
      '│ a',
      '│ b',
    ]);
    expect(first.growing.map((l) => lineText([...(l.first ?? []), ...l.segments]))).toEqual(['│ c', '╰─']);
    // Resumed inside the fence: the frame is not drawn again, and the closing line ends it.
    const next = renderGrowing('c\nd\n```\nafter\n\nmore\n', 'text', '```ts');
    expect(next.fence).toBeNull();
    expect(next.final.map((l) => lineText([...(l.first ?? []), ...l.segments]))).toEqual([
      '│ c',
      '│ d',
      '╰─',
      'after',
      '',
    ]);
  });

  it('renders each finished block once: only the last block is redone as text arrives', () => {
    const cut = renderGrowing(`${full}\n`);
    // Everything before "Done." is final; the growing block is the last paragraph.
    expect(cut.finalLines).toBe(full.split('\n').length - 1);
    expect(cut.growing.map((l) => lineText(l.segments))).toEqual(['Done.']);
    // Not while the next block's first line is still growing: "*" may become "**x**" that continues
    // the list, "-" may underline the paragraph as a heading.
    expect(renderGrowing('- item\n*').finalLines).toBe(0);
    expect(renderGrowing('para\n-').finalLines).toBe(0);
    expect(renderGrowing('- item\n\npara\n').finalLines).toBe(2);
    // A paragraph that may still turn into a table is not final.
    expect(renderGrowing('| a | b |\n').finalLines).toBe(0);
    expect(renderGrowing('text\n| a | b |\n|---|---|\n').growing[0]?.table).toBeDefined();
  });
});
