import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../src/core/store/records.js';
import { snapshotTree, useOctoHome } from './support.js';

const e2e = useOctoHome();

async function userMessages(name: string): Promise<string[]> {
  const shown = await e2e.home.run(['sessions', 'show', name, '--json']);
  expect(shown.code).toBe(0);
  const { records } = JSON.parse(shown.stdout) as { records: SessionRecord[] };
  return records.flatMap((r) => (r.kind === 'message' && r.role === 'user' ? [r.content] : []));
}

describe('choosing the session to resume', () => {
  it("--resume-recent picks this project's latest session, never another project's", async () => {
    const projectB = await e2e.home.project('project-b');
    e2e.fake.enqueue({ text: 'a1' }, { text: 'a2' }, { text: 'b1' }, { text: 'again' });
    expect((await e2e.home.run(['run', '--name', 'a-old', '-p', 'old A work'])).code).toBe(0);
    expect((await e2e.home.run(['run', '--name', 'a-new', '-p', 'new A work'])).code).toBe(0);
    // B's session is the most recent of all; A must still get its own.
    expect((await e2e.home.run(['run', '--name', 'b-latest', '-p', 'B work'], { cwd: projectB })).code).toBe(
      0,
    );

    const resumed = await e2e.home.run(['run', '--resume-recent', '-p', 'continue'], {
      cwd: e2e.home.projectDir,
    });
    expect(resumed).toMatchObject({ code: 0, stdout: 'again\n' });
    expect(await userMessages('a-new')).toEqual(['new A work', 'continue']);
    expect(await userMessages('b-latest')).toEqual(['B work']);
    expect(await userMessages('a-old')).toEqual(['old A work']);
  });

  it('--resume-recent in a project without sessions says so and exits 1', async () => {
    const empty = await e2e.home.project('empty');
    const result = await e2e.home.run(['run', '--resume-recent', '-p', 'hi'], { cwd: empty });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`No session of ${empty} yet`);
  });

  it('--resume nope exits 1, names nope and the closest names, and creates nothing (docs/faults.md row 7)', async () => {
    e2e.fake.enqueue({ text: 'x' }, { text: 'y' });
    await e2e.home.run(['run', '--name', 'note', '-p', 'one']);
    await e2e.home.run(['run', '--name', 'rope', '-p', 'two']);
    const requests = e2e.fake.requests.length;
    const before = await snapshotTree(e2e.home.dataDir);

    const result = await e2e.home.run(['run', '--resume', 'nope', '-p', 'hello']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('octo: No session named nope. Closest names: note, rope.\n');
    expect(await snapshotTree(e2e.home.dataDir)).toEqual(before);
    expect(e2e.fake.requests.length).toBe(requests);
  });

  it('bare --resume without a terminal lists the candidates and exits 1', async () => {
    e2e.fake.enqueue({ text: 'x' });
    await e2e.home.run(['run', '--name', 'only-one', '-p', 'one']);
    const result = await e2e.home.run(['run', '--resume']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('octo run --resume NAME');
    expect(result.stderr).toMatch(/only-one\s+just now\s+2/);
  });

  it('refuses a bad session name before the data folder is touched (docs/faults.md row 8)', async () => {
    const before = await snapshotTree(e2e.home.dataDir);
    for (const args of [
      ['run', '--name', '../../etc/x', '-p', 'hi'],
      ['run', '--resume', 'a/b', '-p', 'hi'],
      ['sessions', 'show', '.hidden'],
    ]) {
      const result = await e2e.home.run(args);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/^octo: .*name/i);
    }
    expect(await snapshotTree(e2e.home.dataDir)).toEqual(before);
  });
});
