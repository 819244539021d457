/** The session list follows other terminals through the index watch, without polling. */
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/core/api.js';
import { makeTestWorkspace } from '../support/workspace.js';
import { useRealCore } from './support/real-core.js';

const core = useRealCore();

function externalChange(ws: Workspace): Promise<void> {
  return new Promise((resolve) => {
    const off = ws.on('session.listChanged', ({ reason }) => {
      if (reason !== 'external') return;
      off();
      resolve();
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
      const created = externalChange(test.ws);
      await (await other.ws.sessions.create('from-elsewhere')).close();
      await created;
      await s.flush();
      expect(s.text()).toContain('from-elsewhere');

      const trashed = externalChange(test.ws);
      await other.ws.sessions.trash('from-elsewhere');
      await trashed;
      await s.flush();
      expect(s.text()).not.toContain('from-elsewhere');
      expect(s.text()).toContain('mine');
    } finally {
      await other.ws.close();
    }
  });
});
