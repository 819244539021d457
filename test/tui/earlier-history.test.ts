/**
 * A long session resumed from its end on the screen: its start is read when the
 * conversation reaches its top, on Home, or for a search hit among it; the view does not jump.
 */
import { describe, expect, it } from 'vitest';
import type { SearchHit } from '../../src/core/api.js';
import { FakeWorkspace, summary, type FakeHandle } from './support/fake-workspace.js';
import { KEY, useHeadless, type Headless } from './support/headless.js';
import { history } from './support/records.js';

const openScreen = useHeadless();

const HOME = '\u001b[1~';
const CTRL_F = '\u0006';

/** 240 messages of which only the last 60 are read. */
async function resumedLong(): Promise<{ s: Headless; handle: FakeHandle }> {
  const ws = new FakeWorkspace();
  const all = history(240);
  ws.add(summary({ id: 'long', name: 'long-talk', order: 1 }), all.slice(180), all.slice(0, 180));
  const s = await openScreen(ws, { width: 100, height: 30 });
  return { s, handle: ws.handle('long') };
}

describe('history not read yet', () => {
  it('reads the start on Home and shows the first message', async () => {
    const { s, handle } = await resumedLong();
    expect(s.text()).toContain('Answer 239.');
    expect(handle.earlierReads).toBe(0);
    await s.press(KEY.tab, KEY.tab, HOME);
    expect(handle.earlierReads).toBe(1);
    expect(s.text()).toContain('Question 0: how does part 0 work?');
    expect(s.text()).not.toContain('earlier records');
  });

  it('reads the start when scrolling reaches it, and keeps the view where it was', async () => {
    const { s, handle } = await resumedLong();
    await s.press(KEY.tab, KEY.tab);
    await s.press(KEY.pageUp);
    expect(s.text()).not.toContain('earlier records');
    let pages = 1;
    while (handle.earlierReads === 0 && pages < 100) {
      await s.press(KEY.pageUp);
      pages += 1;
    }
    // The top of what was read was drawn (and the line above it): the start was read then, once.
    expect(pages).toBeGreaterThan(3);
    expect(handle.earlierReads).toBe(1);
    // The read was asked by the paint that reached the top: its records are drawn by the next.
    await s.flush();
    const shown = s.rows().slice(1, 20).join('\n');
    expect(shown).toContain('Question 180: how does part 180 work?');
    expect(s.text()).not.toContain('earlier records');
    await s.press(KEY.pageUp);
    expect(s.text()).toMatch(/Answer 17\d\./);
    expect(handle.earlierReads).toBe(1);
  });

  it('reads the start for a search hit among it and scrolls to the message', async () => {
    const ws = new FakeWorkspace();
    const all = history(240);
    ws.add(summary({ id: 'long', name: 'long-talk', order: 1 }), all.slice(180), all.slice(0, 180));
    const target = all[20];
    const hit: SearchHit = {
      sessionId: 'long',
      sessionName: 'long-talk',
      seq: target?.seq ?? 0,
      kind: 'user',
      snippet: 'Question 20: how does part 20 work?',
      matches: [[0, 8]],
      score: 3,
      at: '2025-06-01T11:00:00Z',
    };
    ws.sessions.search = () => Promise.resolve([hit]);
    const s = await openScreen(ws, { width: 100, height: 30 });
    await s.press(CTRL_F, ...'part 20', KEY.enter, KEY.enter);
    expect(ws.handle('long').earlierReads).toBe(1);
    expect(s.rows().slice(1, 8).join('\n')).toContain('Question 20: how does part 20 work?');
  });

  it('keeps a note after the message it followed when the start arrives in front', async () => {
    const { s } = await resumedLong();
    await s.press(...'/frobnicate', KEY.enter);
    const note = 'Unknown command /frobnicate';
    const before = s.text();
    expect(before).toContain(note);
    const above = (text: string): string | undefined => {
      const lines = text.split('\n');
      const at = lines.findIndex((line) => line.includes(note));
      return lines.slice(0, at).findLast((line) => /Answer \d+\./.test(line));
    };
    await s.press(KEY.tab, KEY.tab, HOME, 'G');
    expect(s.text()).toContain(note);
    expect(above(s.text())).toBe(above(before));
  });
});
