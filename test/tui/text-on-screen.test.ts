/** Text as the screen draws it: wide characters, lines of notes, the status bar's project, plurals. */
import { describe, expect, it } from 'vitest';
import { catchUpText } from '../../src/core/project/index.js';
import { strWidth } from '../../src/tui/text/width.js';
import { FakeWorkspace, summary } from './support/fake-workspace.js';
import { fixtureWorkspace } from './support/fixture.js';
import { KEY, useHeadless, type Headless } from './support/headless.js';
import { catchUpWith, msg } from './support/records.js';

const openScreen = useHeadless();
const open = (ws: FakeWorkspace, width = 80, height = 24): Promise<Headless> =>
  openScreen(ws, { width, height });

/** The conversation pane's rows (between its borders), beside the side panes or alone. */
function conversationRows(s: Headless): string[] {
  return s.rows().map((row) => (/^│.*?││(.*)││/.exec(row) ?? /^│(.*)│$/.exec(row))?.[1]?.trimEnd() ?? '');
}

async function type(s: Headless, text: string): Promise<void> {
  await s.press(...[...text], KEY.enter);
}

describe('wide characters on screen', () => {
  it('wraps after a wide character without losing one: "…한국어" then "中文字符"', async () => {
    // 76 columns after the indent: the emoji, 67 letters, the ellipsis and 한국어 fill the first line
    // exactly. Blessed counted the emoji as three and cut the line's last character, 어.
    const text = `🎉${'x'.repeat(67)}…한국어中文字符 and ${'a'.repeat(5)}𠀀𠀁 end`;
    const ws = new FakeWorkspace();
    ws.add(summary({ id: 'w', name: 'wide' }), [msg('assistant', text, { model: 'm' })]);
    const s = await open(ws);
    const rows = conversationRows(s);
    const first = rows.findIndex((row) => row.includes('🎉'));
    expect(rows.slice(first, first + 3)).toEqual([
      `  🎉${'x'.repeat(67)}…한국어`,
      '  中文字符 and aaaaa𠀀𠀁 end',
      '',
    ]);
    // Every row of the conversation is 80 columns: nothing drawn wider or narrower than measured.
    for (const row of s.rows().slice(1, 20)) expect(strWidth(row)).toBe(80);
  });
});

describe('markdown replies on screen', () => {
  const reply = [
    'Results:',
    '',
    '| File | Lines | Note |',
    '|:--|--:|:-:|',
    '| src/a.ts | 120 | ok |',
    '| 漢字.ts | 7 | wide |',
    '',
    '```ts',
    'const a = 1;',
    '```',
    '',
    '- first',
    '- second',
  ].join('\n');

  it.each([
    [120, 40],
    [80, 24],
  ])('draws a table, a code block and a list in the conversation at %dx%d', async (width, height) => {
    const ws = new FakeWorkspace();
    ws.add(summary({ id: 't', name: 'table' }), [msg('assistant', reply, { model: 'm' })]);
    const s = await open(ws, width, height);
    const rows = conversationRows(s);
    const top = rows.findIndex((row) => row.includes('┌'));
    expect(rows.slice(top, top + 6).map((row) => row.trim())).toEqual([
      '┌──────────┬───────┬──────┐',
      '│ File     │ Lines │ Note │',
      '├──────────┼───────┼──────┤',
      '│ src/a.ts │   120 │  ok  │',
      '│ 漢字.ts  │     7 │ wide │',
      '└──────────┴───────┴──────┘',
    ]);
    expect(rows).toContain('  ╭─ ts');
    expect(rows).toContain('  │ const a = 1;');
    expect(rows).toContain('  • second');
    expect(s.text()).not.toContain('|--');
  });
});

describe('notes keep their lines', () => {
  it('lists the sessions with /list one per line', async () => {
    const s = await open(fixtureWorkspace(), 120, 40);
    await type(s, '/list');
    const text = s.text();
    expect(text).toContain('— Sessions of this project:');
    expect(text).toMatch(/│ {2}▶ auth-refactor \(4 messages, 2m\) +│/);
    expect(text).toMatch(/│ {4}bugfix-login-timeout \(4 messages, 27h\) +│/);
    expect(text).toMatch(/│ {2}and 1 session in other projects +│/);
  });

  it('shows an error of several lines (the no-key error) as those lines', async () => {
    const ws = fixtureWorkspace();
    const s = await open(ws, 120, 40);
    ws.bus.emit('turn.started', { sessionId: 'a', turnId: 't1' });
    ws.bus.emit('turn.failed', {
      sessionId: 'a',
      turnId: 't1',
      code: 'no_api_key',
      message:
        'openai needs an API key.\nTo talk to a model, do one of:\n  - set OPENAI_API_KEY\n  - run a local Ollama',
    });
    await s.flush();
    const rows = conversationRows(s).map((row) => row.replace(/│.*$/, '').trimEnd());
    const at = rows.findIndex((row) => row.startsWith('— Turn failed: openai needs an API key'));
    expect(rows.slice(at, at + 4)).toEqual([
      '— Turn failed: openai needs an API key.',
      '  To talk to a model, do one of:',
      '    - set OPENAI_API_KEY',
      '    - run a local Ollama',
    ]);
  });
});

describe('the status bar', () => {
  it('names the project of the session on screen, not the folder octo started in', async () => {
    const s = await open(fixtureWorkspace(), 120, 40);
    expect(s.rows().at(-1)).toContain(' proj/auth-refactor ');
    await s.press(KEY.ctrlN, KEY.ctrlN);
    expect(s.rows()[0]).toContain('Conversation — docs-pass');
    expect(s.rows().at(-1)).toContain(' website/docs-pass ');
  });
});

describe('plurals', () => {
  it('says "1 file changed" and "1 commit"', () => {
    const text = catchUpText(
      catchUpWith({
        commits: [{ sha: 'abc', subject: 'Fix', author: 'a', at: '2025-06-01T11:30:00Z' }],
        commitCount: 1,
        filesChanged: ['a.ts'],
        filesChangedCount: 1,
      }),
    );
    expect(text).toContain('1 commit (latest: Fix) · 1 file changed: a.ts.');
  });
});
