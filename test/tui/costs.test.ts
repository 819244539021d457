/** Money on the screen: significant digits, never "<$0.01"; each reply's cost on F3. */
import { describe, expect, it } from 'vitest';
import { FakeWorkspace, summary } from './support/fake-workspace.js';
import { useHeadless } from './support/headless.js';
import { msg } from './support/records.js';

const F3 = '\u001bOR';
const openScreen = useHeadless();

function spendingWorkspace(): FakeWorkspace {
  const ws = new FakeWorkspace({ limits: { max_session_spending: 0.005 } });
  ws.add(
    summary({
      id: 'p',
      name: 'pennies',
      order: 1,
      tokens: { input: 1200, output: 40, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
      cost: 0.0013,
    }),
    [
      msg('user', 'How much was that?'),
      msg('assistant', 'Very little.', {
        model: 'test:fake-model',
        usage: { input: 1200, output: 40, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
        cost: 0.0013,
        costSource: 'main',
      }),
    ],
  );
  return ws;
}

describe('money in the workspace', () => {
  it('shows sub-cent amounts with their significant digits, the limit too', async () => {
    const s = await openScreen(spendingWorkspace(), { width: 120, height: 40 });
    await s.flush();
    const text = s.text();
    expect(text).toContain('Cost $0.0013 of $0.005');
    expect(text).toContain('$0.0013');
    expect(text).not.toContain('<$0.01');
  });

  it('shows each reply’s tokens and cost in the conversation while F3 is on', async () => {
    const s = await openScreen(spendingWorkspace(), { width: 120, height: 40 });
    await s.flush();
    const header = (): string | undefined => s.rows().find((row) => row.includes('◆ Assistant'));
    expect(header()).not.toContain('1.2k in');
    await s.press(F3);
    expect(header()).toContain('◆ Assistant · test:fake-model · 1.2k in · 40 out · $0.0013');
    await s.press(F3);
    expect(header()).not.toContain('$0.0013');
  });

  it('shows what a request that only called tools spent on its call’s line while F3 is on', async () => {
    const ws = new FakeWorkspace();
    ws.add(summary({ id: 't', name: 'tools', order: 1 }), [
      msg('user', 'Read it'),
      msg('assistant', '', {
        model: 'test:fake-model',
        toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"README.md"}' }],
        usage: { input: 900, output: 12, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
        cost: 0.00011,
        costSource: 'main',
      }),
      msg('tool', 'hello', { toolCallId: 'c1', toolName: 'read_file' }),
    ]);
    const s = await openScreen(ws, { width: 120, height: 40 });
    const call = (): string | undefined => s.rows().find((row) => row.includes('⚙ read_file'));
    expect(call()).toBeDefined();
    expect(call()).not.toContain('$0.00011');
    await s.press(F3);
    expect(call()).toContain('· 900 in · 12 out · $0.00011');
  });
});
