/* eslint-disable no-control-regex -- these tests look for terminal control bytes on purpose */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMarkdown } from '../../src/tui/text/markdown.js';
import { buildItems } from '../../src/tui/view/conversation-items.js';
import { itemLines, liveLines, SCREEN_CAP, argumentsLine } from '../../src/tui/view/conversation-lines.js';
import { LineCache, visibleWindow } from '../../src/tui/view/conversation-window.js';
import { LiveLines } from '../../src/tui/view/live-lines.js';
import { lineText, type StyledLine } from '../../src/tui/text/styled.js';
import { history, msg, windowInput } from './support/records.js';

const text = (lines: readonly StyledLine[]): string[] => lines.map((l) => lineText(l).trimEnd());
const closed = { expanded: false, selected: false, busy: false };

beforeAll(loadMarkdown);

describe('conversation items', () => {
  it('joins a tool result to its call and keeps roles apart', () => {
    const items = buildItems([
      msg('user', 'read it'),
      msg('assistant', '', { toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"a.ts"}' }] }),
      msg('tool', 'x'.repeat(1500), { toolCallId: 'c1', toolName: 'read_file' }),
      msg('assistant', 'done'),
    ]);
    // The tool-calling reply has no text: its call stands for it.
    expect(items.map((i) => (i.kind === 'message' ? `${i.kind}:${i.role}` : i.kind))).toEqual([
      'message:user',
      'tool',
      'message:assistant',
    ]);
    const tool = items[1];
    expect(tool?.kind === 'tool' && tool.result?.content.length).toBe(1500);
  });
});

describe('conversation lines', () => {
  it('shows a tool call compactly: name, argument summary, result size', () => {
    const [, tool] = buildItems([
      msg('user', 'q'),
      msg('assistant', '', {
        toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"src/a.ts","limit":20}' }],
      }),
      msg('tool', 'y'.repeat(2500), { toolCallId: 'c1' }),
    ]);
    if (tool === undefined) throw new Error('no tool item');
    expect(text(itemLines(tool, 80, closed))).toEqual([
      '  ▸ ⚙ read_file path: src/a.ts, limit: 20 → 2.5k chars',
    ]);
  });

  it('expands a tool call to its arguments and result', () => {
    const [tool] = buildItems([
      msg('assistant', '', { toolCalls: [{ id: 'c1', name: 'list_dir', arguments: '{"path":"."}' }] }),
      msg('tool', 'a.ts\nb.ts', { toolCallId: 'c1' }),
    ]);
    if (tool === undefined) throw new Error('no tool item');
    expect(text(itemLines(tool, 60, { ...closed, expanded: true }))).toEqual([
      '  ▾ ⚙ list_dir path: . → 9 chars',
      '    arguments:',
      '    {',
      '      "path": "."',
      '    }',
      '    result:',
      '    a.ts',
      '    b.ts',
    ]);
  });

  it('says a call without a result is running while the turn runs, and has no result otherwise', () => {
    const [tool] = buildItems([
      msg('assistant', '', { toolCalls: [{ id: 'c', name: 't', arguments: 'not json' }] }),
    ]);
    if (tool === undefined) throw new Error('no tool item');
    expect(text(itemLines(tool, 60, { ...closed, busy: true }))[0]).toBe('  ▸ ⚙ t not json → running…');
    expect(text(itemLines(tool, 60, closed))[0]).toBe('  ▸ ⚙ t not json → no result');
  });

  it('marks compacted and interrupted messages', () => {
    const [item] = buildItems([
      msg('assistant', 'partial', { inContext: false, interrupted: true, model: 'p:m' }),
    ]);
    if (item === undefined) throw new Error('no item');
    expect(text(itemLines(item, 80, closed))[0]).toBe(
      '◆ Assistant · p:m · interrupted · compacted (not in context)',
    );
  });

  it('caps a 10 MB tool output on screen and states the cap', () => {
    const [tool] = buildItems([
      msg('assistant', '', { toolCalls: [{ id: 'c', name: 'cat', arguments: '{}' }] }),
      msg('tool', 'z'.repeat(10 * 1024 * 1024), { toolCallId: 'c' }),
    ]);
    if (tool === undefined) throw new Error('no tool item');
    const lines = text(itemLines(tool, 100, { ...closed, expanded: true }));
    expect(lines[0]).toContain('10M chars');
    expect(lines.at(-1)).toBe(`    … showing the first 20,000 of 10,485,760 characters (screen cap)`);
    expect(lines.join('').length).toBeLessThan(SCREEN_CAP * 1.2);
  });

  it('renders the streaming reply as it grows, marked as streaming', () => {
    // Nothing has come yet (a provider that has not answered): it waits, nothing streams.
    expect(text(liveLines('', '', 40))).toEqual(['◆ Assistant · waiting for the answer…']);
    expect(text(liveLines('Hello **wor', '', 40))).toEqual(['◆ Assistant · streaming…', '  Hello **wor']);
    expect(text(liveLines('Hello **world**', '', 40))).toEqual(['◆ Assistant · streaming…', '  Hello world']);
  });

  it('removes escape sequences from model text before it reaches a line', () => {
    const [item] = buildItems([msg('assistant', 'a\u001b]52;c;cHduZWQ=\u0007b\u009b31mc\u202ed')]);
    if (item === undefined) throw new Error('no item');
    const joined = text(itemLines(item, 80, closed)).join('\n');
    expect(joined).toContain('abcd');
    expect(joined).not.toMatch(/[\u001b\u009b\u202e]/);
  });

  it('summarises tool arguments on one line, sanitised', () => {
    expect(argumentsLine('{"cmd":"ls\\u001b[2J -la","n":3}')).toBe('cmd: ls -la, n: 3');
  });
});

describe('the virtual window', () => {
  const input = windowInput;

  it('draws the newest lines at the bottom and measures only the items it needs', () => {
    const items = buildItems(history(2000));
    const cache = new LineCache();
    const view = visibleWindow(input({ items }), cache);
    expect(view.lines).toHaveLength(10);
    expect(text(view.lines).join('\n')).toContain('const v1999 = 1999;');
    expect(cache.size).toBeLessThan(10);
  });

  it('is at the top only when the first item is drawn, not when items fill the window exactly', () => {
    const items = buildItems(history(40));
    const cache = new LineCache();
    for (let height = 1; height <= 30; height += 1) {
      expect(visibleWindow(input({ items, height }), cache).atTop).toBe(false);
      expect(visibleWindow(input({ items, height, scroll: 100_000 }), cache).atTop).toBe(true);
    }
  });

  it('scrolls up by lines and clamps at the top of the history', () => {
    const items = buildItems(history(4));
    const cache = new LineCache();
    const top = visibleWindow(input({ items, scroll: 10_000 }), cache);
    expect(top.atTop).toBe(true);
    expect(text(top.lines)[0]).toBe('● You');
    expect(text(top.lines)[1]).toBe('  Question 0: how does part 0 work?');
    const bottom = visibleWindow(input({ items, scroll: 0 }), cache);
    expect(bottom.scroll).toBe(0);
    expect(text(bottom.lines).at(-1)).toBe('  ╰─');
  });

  it('appends the streaming reply after the history', () => {
    const items = buildItems(history(2));
    const view = visibleWindow(
      input({ items, live: { text: 'partial answer', reasoning: '' } }),
      new LineCache(),
    );
    expect(text(view.lines).slice(-2)).toEqual(['◆ Assistant · streaming…', '  partial answer']);
  });

  it('re-wraps from the cache by width: a new width gives new lines', () => {
    const items = buildItems([msg('user', 'word '.repeat(30))]);
    const cache = new LineCache();
    const wide = visibleWindow(input({ items, width: 100 }), cache).lines.length;
    const narrow = visibleWindow(input({ items, width: 30 }), cache).lines.length;
    expect(narrow).toBeGreaterThan(wide);
  });
});

describe('the streaming reply, rendered incrementally', () => {
  it('draws the same lines as a full render after every chunk, fences and wrapping included', () => {
    const reply =
      '# Plan\n\nSome **bold** words that wrap across the narrow pane.\n\n```ts\nconst a = 1;\n```\n- item one\n- item two with more words\nend';
    const live = new LiveLines();
    for (let at = 1; at <= reply.length; at += 3) {
      const partial = reply.slice(0, at);
      expect(text(live.lines(partial, '', 24))).toEqual(text(liveLines(partial, '', 24)));
    }
  });

  it('starts over when the width changes', () => {
    const live = new LiveLines();
    const reply = 'one two three four five six\nseven eight nine ten\n';
    live.lines(reply, '', 40);
    expect(text(live.lines(reply, '', 12))).toEqual(text(liveLines(reply, '', 12)));
  });
});
