/** A small workspace worth looking at: two sessions here, one in another project, a tool call, markdown. */
import { msg } from './records.js';
import { FakeWorkspace, summary } from './fake-workspace.js';

export function fixtureWorkspace(): FakeWorkspace {
  const ws = new FakeWorkspace({ limits: { max_session_spending: 5 } });
  ws.add(
    summary({
      id: 'a',
      name: 'auth-refactor',
      order: 3,
      tokens: { input: 1200, output: 340, cacheRead: 200, cacheWrite: 0, reasoning: 0 },
      cost: 0.0019,
      updatedAt: '2025-06-01T11:58:00Z',
    }),
    [
      msg('user', 'Where is the session token checked?'),
      msg('assistant', '', {
        model: 'test:fake-model',
        toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"src/auth/session.ts"}' }],
      }),
      msg('tool', 'export function check(token: string) {\n  return verify(token);\n}', {
        toolCallId: 'c1',
        toolName: 'read_file',
      }),
      msg(
        'assistant',
        '## Where\n\nIn `check()`:\n\n- it calls **verify**\n- it never *expires* tokens\n\n```ts\nreturn verify(token);\n```',
        {
          model: 'test:fake-model',
        },
      ),
    ],
  );
  ws.add(
    summary({
      id: 'b',
      name: 'bugfix-login-timeout',
      order: 2,
      // Its model's price is unknown: shown as "?", never $0.
      cost: null,
      costIncomplete: true,
      messageCount: 4,
      updatedAt: '2025-05-31T09:00:00Z',
    }),
  );
  ws.add(
    summary({
      id: 'c',
      name: 'docs-pass',
      order: 1,
      projectId: 'other',
      projectDir: '/home/dev/website',
      updatedAt: '2025-05-20T09:00:00Z',
    }),
  );
  return ws;
}

/** One session, `big`, whose one tool call returned 10 MB (700,000 lines) of output. */
export function hugeOutputWorkspace(): { ws: FakeWorkspace; huge: string } {
  const ws = new FakeWorkspace();
  const huge = 'line of output\n'.repeat(700_000);
  ws.add(summary({ id: 'big', name: 'big', order: 1 }), [
    msg('user', 'dump it'),
    msg('assistant', '', { toolCalls: [{ id: 'c', name: 'cat', arguments: '{"path":"huge.log"}' }] }),
    msg('tool', huge, { toolCallId: 'c' }),
  ]);
  return { ws, huge };
}
