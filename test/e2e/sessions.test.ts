import { describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../src/core/store/records.js';
import { useOctoHome } from './support.js';

const e2e = useOctoHome();

async function names(args: string[] = []): Promise<string[]> {
  const listed = await e2e.home.run(['sessions', 'list', '--json', ...args]);
  expect(listed.code).toBe(0);
  return (JSON.parse(listed.stdout) as SessionSummary[]).map((s) => s.name);
}

describe('octo sessions', () => {
  it('lists this project as a table, with an unknown price shown as ? and never as $0', async () => {
    e2e.fake.enqueue(
      { text: 'priced', usage: { prompt: 1000, completion: 500 } },
      { text: 'unpriced', usage: { prompt: 10, completion: 5 } },
    );
    await e2e.home.run(['run', '--name', 'priced', '-p', 'a']);
    await e2e.home.run(['run', '--name', 'unpriced', '--model', 'test:no-price-model', '-p', 'b']);
    const other = await e2e.home.project('other');
    await e2e.home.run(['sessions', 'list'], { cwd: other });

    const table = await e2e.home.run(['sessions', 'list']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+UPDATED\s+MESSAGES\s+TOKENS\s+COST\s+MODEL$/);
    expect(lines[1]).toMatch(/^unpriced\s+just now\s+2\s+15\s+\?\s+test:no-price-model$/);
    expect(lines[2]).toMatch(/^priced\s+just now\s+2\s+1\.5k\s+\$0\.0020\s+test:fake-model$/);
    expect(lines).toHaveLength(3);

    const elsewhere = await e2e.home.run(['sessions', 'list'], { cwd: other });
    expect(elsewhere).toMatchObject({ code: 0, stdout: '' });
    expect(elsewhere.stderr).toContain('No sessions');
    const all = await e2e.home.run(['sessions', 'list', '--all'], { cwd: other });
    expect(all.stdout).toContain(e2e.home.projectDir);
  });

  it('renames, moves to the trash (saying how to restore), restores and exports', async () => {
    e2e.fake.enqueue({ text: 'The answer.' });
    await e2e.home.run(['run', '--name', 'draft', '-p', 'the question']);

    expect(await e2e.home.run(['sessions', 'rename', 'draft', 'final'])).toMatchObject({
      code: 0,
      stdout: 'Renamed draft to final.\n',
    });
    const removed = await e2e.home.run(['sessions', 'rm', 'final']);
    expect(removed).toMatchObject({ code: 0 });
    expect(removed.stdout).toContain('octo sessions restore final');
    expect(await names()).toEqual([]);

    const resumeTrashed = await e2e.home.run(['run', '--resume', 'final', '-p', 'x']);
    expect(resumeTrashed.code).toBe(1);
    expect(resumeTrashed.stderr).toContain('octo sessions restore final');

    expect((await e2e.home.run(['sessions', 'restore', 'final'])).code).toBe(0);
    expect(await names()).toEqual(['final']);

    const md = await e2e.home.run(['sessions', 'export', 'final']);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('# final');
    expect(md.stdout).toContain('the question');
    expect(md.stdout).toContain('The answer.');
    const json = await e2e.home.run(['sessions', 'export', 'final', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ session: { name: 'final' } });
  });

  it('shows the full history in readable form', async () => {
    e2e.fake.enqueue(
      {
        toolCalls: [{ id: 'call_7', name: 'list_dir', arguments: '{"path":"."}' }],
        usage: { prompt: 400, completion: 80 },
      },
      { text: 'Nothing here yet.', usage: { prompt: 600, completion: 60 } },
    );
    await e2e.home.run(['run', '--name', 'readable', '-p', 'What is in this folder?']);
    const shown = await e2e.home.run(['sessions', 'show', 'readable']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`project   ${e2e.home.projectDir}`);
    expect(shown.stdout).toMatch(/#\d+ user\n {2}What is in this folder\?/);
    expect(shown.stdout).toMatch(
      /#\d+ assistant · test:fake-model · 400 in \/ 80 out · \$0\.0006\n {2}→ list_dir \{"path":"\."\} \(call_7\)/,
    );
    expect(shown.stdout).toMatch(/#\d+ tool list_dir \(call_7\)/);
    expect(shown.stdout).toMatch(
      /#\d+ assistant · test:fake-model · 600 in \/ 60 out · \$0\.0007\n {2}Nothing here yet\./,
    );
  });

  it('fails clearly on a session that does not exist', async () => {
    const result = await e2e.home.run(['sessions', 'show', 'ghost']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^octo: No session named ghost\./);
  });

  it('doctor reports each check and exits 0 on a healthy store', async () => {
    e2e.fake.enqueue({ text: 'ok' });
    await e2e.home.run(['run', '--name', 'healthy', '-p', 'hi']);
    const doctor = await e2e.home.run(['doctor']);
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toMatch(/^ok {2}/m);
    expect(doctor.stdout).not.toContain('FAIL');
    const reindex = await e2e.home.run(['doctor', '--reindex']);
    expect(reindex.code).toBe(0);
    expect(await names()).toEqual(['healthy']);
  });
});
