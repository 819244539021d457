/**
 * marked loads after the first paint: what is drawn before it is plain text, drawn again once it is
 * there. Its own file, so that marked is not loaded yet when the first test runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMarkdown, markdownEpoch } from '../../src/tui/text/markdown.js';
import { lineText } from '../../src/tui/text/styled.js';
import { buildItems } from '../../src/tui/view/conversation-items.js';
import { LineCache, visibleWindow, type WindowInput } from '../../src/tui/view/conversation-window.js';
import { msg, windowInput } from './support/records.js';

const REPLY = '# Plan\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- **one**';

const input = (over: Partial<WindowInput>): WindowInput =>
  windowInput({ items: buildItems([msg('assistant', REPLY)]), height: 20, ...over });

const shown = (cache: LineCache, over: Partial<WindowInput> = {}): string[] =>
  visibleWindow(input(over), cache).lines.map((l) => lineText(l).trimEnd());

describe('the markdown renderer loaded late', () => {
  it('draws replies as plain text until marked is there, then draws them again from the same cache', async () => {
    const cache = new LineCache();
    expect(markdownEpoch()).toBe(0);
    expect(shown(cache)).toContain('  | 1 | 2 |');
    expect(shown(cache, { live: { text: 'streaming **x**', reasoning: '' } })).toContain('  streaming **x**');
    await loadMarkdown();
    const after = shown(cache);
    expect(after).toContain('  │ 1 │ 2 │');
    expect(after).toContain('  • one');
    expect(after).not.toContain('  | 1 | 2 |');
    expect(shown(cache, { live: { text: 'streaming **x**', reasoning: '' } })).toContain('  streaming x');
  });

  it('is imported by no source file but through import(): the start-up path never loads it', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
      );
    const users = files('src').filter((file) => /['"]marked['"]/.test(readFileSync(file, 'utf8')));
    expect(users).toEqual([path.join('src', 'tui', 'text', 'markdown.ts')]);
    const source = readFileSync(users[0] ?? '', 'utf8');
    const imports = source.match(/^import .*['"]marked['"];$/gm) ?? [];
    expect(imports.every((line) => line.startsWith('import type '))).toBe(true);
    expect(source).toContain("import('marked')");
  });
});
