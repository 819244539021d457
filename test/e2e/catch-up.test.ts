import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useOctoHome } from './support.js';

const e2e = useOctoHome();

describe('catching up with -p', () => {
  it('names the commits made since the last reply, one in the same second included, on stderr and to the model', async () => {
    const dir = e2e.home.projectDir;
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=Tess', '-c', 'user.email=t@example.com', ...args], {
        cwd: dir,
        env: { PATH: e2e.home.env.PATH, HOME: e2e.home.root, GIT_CONFIG_NOSYSTEM: '1' },
        encoding: 'utf8',
      });
    git('init', '-q', '-b', 'main');
    await writeFile(path.join(dir, 'README.md'), '# p\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    e2e.fake.enqueue({ text: 'Hello.' });
    expect((await e2e.home.run(['run', '--name', 'daily', '-p', 'hi'])).code).toBe(0);

    await writeFile(path.join(dir, 'lib.ts'), 'export {};\n');
    git('add', '.');
    git('commit', '-q', '-m', 'Add the library');
    e2e.fake.enqueue({ text: 'Seen.' });
    const resumed = await e2e.home.run(['run', '--resume', 'daily', '-p', 'what changed?']);
    expect(resumed).toMatchObject({ code: 0, stdout: 'Seen.\n' });
    expect(resumed.stderr).toContain('Since the last message: 1 commit (latest: Add the library)');
    const sent = JSON.stringify(e2e.fake.requests.at(-1)?.body.messages);
    expect(sent).toContain('1 new commit');
    expect(sent).toContain('Add the library');

    e2e.fake.enqueue({ text: 'Nothing new.' });
    const json = await e2e.home.run(['run', '--resume', 'daily', '--json', '-p', 'and now?']);
    expect((JSON.parse(json.stdout) as { catchUp: unknown }).catchUp).toBeNull();
  });
});
