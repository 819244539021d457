/** docs/faults.md row 38: a prompt that begins with `-` or `--` is a prompt. */
import { describe, expect, it } from 'vitest';
import { useOctoHome } from './support.js';

const e2e = useOctoHome();

/** The user message the provider received last. */
function lastUserText(): unknown {
  const messages = (e2e.fake.requests.at(-1)?.body.messages ?? []) as Array<{
    role: string;
    content: unknown;
  }>;
  return messages.filter((m) => m.role === 'user').at(-1)?.content;
}

describe('prompts that look like options (docs/faults.md row 38)', () => {
  it.each([['-5 is negative'], ['--- a/file.ts'], ['- a list item'], ['--json'], ['-v'], ['--help']])(
    'sends -p %j to the model as the prompt',
    async (prompt) => {
      e2e.fake.enqueue({ text: 'Understood.' });
      const result = await e2e.home.run(['run', '--name', 'dash', '-p', prompt]);
      expect(result).toMatchObject({ code: 0, stdout: 'Understood.\n' });
      expect(lastUserText()).toBe(prompt);
    },
  );

  it('takes the text after -- as operands, never as options', async () => {
    e2e.fake.enqueue({ text: 'Found nothing.' });
    const first = await e2e.home.run(['run', '--name', 'dash', '-p', 'hello']);
    expect(first.code).toBe(0);
    const search = await e2e.home.run(['sessions', 'search', '--', '--json']);
    expect(search.code).toBe(0);
    expect(search.stdout).not.toMatch(/^\[/);
    const stray = await e2e.home.run(['run', '--name', 'dash', '--', '-p', 'hi']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('-p');
  });
});
