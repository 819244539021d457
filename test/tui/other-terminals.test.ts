/** The session list follows other terminals through the index watch, without polling. */
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/core/api.js';
import { makeTestWorkspace } from '../support/workspace.js';
import { KEY } from './support/headless.js';
import { useRealCore } from './support/real-core.js';

const core = useRealCore();

/**
 * The first change another terminal made after which the list is as `settled` wants: one change can
 * come as several events (a create, then its close), so the next event is not always the next change.
 */
function externalChange(ws: Workspace, settled: (names: string[]) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const off = ws.on('session.listChanged', ({ reason }) => {
      if (reason !== 'external') return;
      ws.sessions.list().then((list) => {
        if (!settled(list.map((summary) => summary.name))) return;
        off();
        resolve();
      }, reject);
    });
  });
}

describe('sessions of another terminal', () => {
  it('appear in the Sessions pane, and leave it when trashed there', async () => {
    const test = await core.workspace({ providerUrl: core.fake.url });
    await (await test.ws.sessions.create('mine')).close();
    const s = await core.screen(test.ws, { width: 120, height: 40 });
    expect(s.text()).not.toContain('from-elsewhere');
    const other = await makeTestWorkspace({ providerUrl: core.fake.url, root: test.root });
    try {
      const created = externalChange(test.ws, (names) => names.includes('from-elsewhere'));
      await (await other.ws.sessions.create('from-elsewhere')).close();
      await created;
      await s.flush();
      expect(s.text()).toContain('from-elsewhere');

      const trashed = externalChange(test.ws, (names) => !names.includes('from-elsewhere'));
      await other.ws.sessions.trash('from-elsewhere');
      await trashed;
      await s.flush();
      expect(s.text()).not.toContain('from-elsewhere');
      expect(s.text()).toContain('mine');
    } finally {
      await other.ws.close();
    }
  });

  it('take over a session when its writer leaves: the read-only view says so and sends there', async () => {
    const test = await core.workspace({ providerUrl: core.fake.url });
    const other = await makeTestWorkspace({ providerUrl: core.fake.url, root: test.root });
    try {
      const writer = await other.ws.sessions.create('shared');
      const s = await core.screen(test.ws, { width: 120, height: 40 }, { sessionName: 'shared' });
      expect(s.text()).toContain('read-only (held by');
      await s.press(...'typed while following', KEY.enter);
      expect(s.tui.controller.state.input.text).toBe('typed while following');
      const tookOver = new Promise<void>((resolve) => {
        const off = test.ws.on('session.opened', ({ readOnly }) => {
          if (readOnly) return;
          off();
          resolve();
        });
      });
      await writer.close();
      await other.ws.close();
      await tookOver;
      await s.flush();
      await s.flush();
      const notes = s.tui.controller.state.conversations.get(writer.id)?.notes ?? [];
      expect(notes.map((n) => n.item.text)).toContain(
        'The terminal that was writing this session left: this view writes it now.',
      );
      expect(s.text()).toContain('✎ writable');
      expect(s.text()).not.toContain('read-only (held by');
      const finished = new Promise<void>((resolve) => {
        const off = test.ws.on('turn.finished', () => {
          off();
          resolve();
        });
      });
      core.fake.enqueue({ text: ['Taken over.'] });
      await s.press(KEY.enter);
      await finished;
      await s.flush();
      expect(s.text()).toContain('Taken over.');
      const records = s.tui.controller.state.open.get(writer.id)?.records ?? [];
      expect(records.flatMap((r) => (r.kind === 'message' ? [`${r.role}: ${r.content}`] : []))).toEqual([
        'user: typed while following',
        'assistant: Taken over.',
      ]);
      expect(s.tui.controller.state.input.text).toBe('');
    } finally {
      await other.ws.close();
    }
  });
});
