import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SearchHit } from '../../src/core/api.js';
import type { SessionRecord, SessionSummary } from '../../src/core/store/records.js';
import { useOctoHome } from './support.js';

const e2e = useOctoHome();

interface Shown {
  session: SessionSummary;
  records: SessionRecord[];
}

async function show(name: string): Promise<Shown> {
  const shown = await e2e.home.run(['sessions', 'show', name, '--json']);
  expect(shown.code).toBe(0);
  return JSON.parse(shown.stdout) as Shown;
}

function messages(records: readonly SessionRecord[]): Array<[string, string]> {
  return records.flatMap((r) => (r.kind === 'message' ? [[r.role, r.content] as [string, string]] : []));
}

async function listed(args: string[], cwd = e2e.home.projectDir): Promise<SessionSummary[]> {
  const result = await e2e.home.run(['sessions', 'list', '--json', ...args], { cwd });
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as SessionSummary[];
}

describe('octo sessions fork, search, move and list --trash', () => {
  it('forks a session up to a record: the fork holds that history and names its origin', async () => {
    e2e.fake.enqueue({ text: 'first answer' }, { text: 'second answer' });
    expect((await e2e.home.run(['run', '--name', 'origin', '-p', 'first question'])).code).toBe(0);
    expect((await e2e.home.run(['run', '--resume', 'origin', '-p', 'second question'])).code).toBe(0);
    const origin = await show('origin');
    const cut = origin.records.find((r) => r.kind === 'message' && r.content === 'first answer');
    expect(cut).toBeDefined();

    const forked = await e2e.home.run(['sessions', 'fork', 'origin', 'branch', '--at', String(cut?.seq)]);
    expect(forked).toMatchObject({ code: 0, stderr: '' });
    expect(forked.stdout).toBe(
      `Forked origin up to #${cut?.seq} as branch. Continue it with: octo run --resume branch\n`,
    );
    const branch = await show('branch');
    expect(branch.session.parentId).toBe(origin.session.id);
    expect(messages(branch.records)).toEqual([
      ['user', 'first question'],
      ['assistant', 'first answer'],
    ]);
    // The origin is untouched, and a fork without --at takes everything.
    expect(messages((await show('origin')).records)).toHaveLength(4);
    expect((await e2e.home.run(['sessions', 'fork', 'origin', 'whole'])).code).toBe(0);
    expect(messages((await show('whole')).records)).toHaveLength(4);

    const beyond = await e2e.home.run(['sessions', 'fork', 'origin', 'later', '--at', '999']);
    expect(beyond.code).toBe(1);
    expect(beyond.stderr).toMatch(/^octo: Session origin has no record 999/);
    expect((await e2e.home.run(['sessions', 'fork', 'origin', 'bad/name'])).code).toBe(1);
  });

  it('finds a word of a tool output and of a message, naming the session and the record', async () => {
    e2e.fake.enqueue(
      { toolCalls: [{ id: 'c1', name: 'list_dir', arguments: '{"path":"."}' }] },
      { text: 'The folder holds one note.' },
      { text: 'Zanzibar is an island.' },
    );
    await mkdir(path.join(e2e.home.projectDir, 'quetzalcoatl-notes'));
    expect((await e2e.home.run(['run', '--name', 'lister', '-p', 'what is here?'])).code).toBe(0);
    expect((await e2e.home.run(['run', '--name', 'geo', '-p', 'tell me about an island'])).code).toBe(0);

    const tool = await e2e.home.run(['sessions', 'search', 'quetzalcoatl', '--json']);
    expect(tool.code).toBe(0);
    const toolHits = JSON.parse(tool.stdout) as SearchHit[];
    const lister = (await show('lister')).records.find((r) => r.kind === 'message' && r.role === 'tool');
    expect(toolHits.map((h) => [h.sessionName, h.seq, h.kind, h.toolName])).toEqual([
      ['lister', lister?.seq, 'tool', 'list_dir'],
    ]);

    const human = await e2e.home.run(['sessions', 'search', 'zanzibar']);
    expect(human.code).toBe(0);
    const lines = human.stdout.trimEnd().split('\n');
    const geoReply = (await show('geo')).records.find((r) => r.kind === 'message' && r.role === 'assistant');
    expect(lines[0]).toMatch(/^SESSION\s+SEQ\s+KIND\s+MATCH$/);
    expect(lines[1]).toMatch(
      new RegExp(`^geo\\s+#${geoReply?.seq}\\s+assistant\\s+.*Zanzibar is an island\\.`),
    );
    expect(lines).toHaveLength(2);

    const other = await e2e.home.project('other');
    const elsewhere = await e2e.home.run(['sessions', 'search', 'zanzibar'], { cwd: other });
    expect(elsewhere).toMatchObject({ code: 0, stdout: '' });
    expect(elsewhere.stderr).toContain('--all searches every project');
    const everywhere = await e2e.home.run(['sessions', 'search', 'zanzibar', '--all', '--json'], {
      cwd: other,
    });
    expect((JSON.parse(everywhere.stdout) as SearchHit[]).map((h) => h.sessionName)).toEqual(['geo']);
  });

  it('sanitises what a search prints', async () => {
    e2e.fake.enqueue(
      {
        text: 'beware \u001b[2J marmalade \u0007 here',
        toolCalls: [{ id: 'e1', name: 'evil\u001b]0;title\u0007', arguments: '{"q":"marmalade"}' }],
      },
      { text: 'done' },
    );
    expect((await e2e.home.run(['run', '--name', 'escapes', '-p', 'hi'])).code).toBe(0);
    const found = await e2e.home.run(['sessions', 'search', 'marmalade']);
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(/^escapes\s+#\d+\s+assistant evil.*marmalade/m);
    const control = [...found.stdout].filter((c) => {
      const code = c.charCodeAt(0);
      return (code < 0x20 && c !== '\n') || (code >= 0x7f && code <= 0x9f);
    });
    expect(control).toEqual([]);
  });

  it('moves a session to another project by hand', async () => {
    e2e.fake.enqueue({ text: 'ok' });
    expect((await e2e.home.run(['run', '--name', 'wanderer', '-p', 'hi'])).code).toBe(0);
    const target = await realpath(await e2e.home.project('new-place'));

    const moved = await e2e.home.run(['sessions', 'move', 'wanderer', '../new-place']);
    expect(moved).toMatchObject({ code: 0, stdout: `Moved wanderer to ${target}.\n` });
    expect((await listed([])).map((s) => s.name)).toEqual([]);
    expect((await listed([], target)).map((s) => [s.name, s.projectDir])).toEqual([['wanderer', target]]);
  });

  it('lists only the trash with --trash', async () => {
    e2e.fake.enqueue({ text: 'a' }, { text: 'b' });
    await e2e.home.run(['run', '--name', 'kept', '-p', 'a']);
    await e2e.home.run(['run', '--name', 'binned', '-p', 'b']);
    const empty = await e2e.home.run(['sessions', 'list', '--trash']);
    expect(empty).toMatchObject({ code: 0, stdout: '' });
    expect(empty.stderr).toContain('in the trash');

    expect((await e2e.home.run(['sessions', 'rm', 'binned'])).code).toBe(0);
    expect((await listed(['--trash'])).map((s) => s.name)).toEqual(['binned']);
    expect((await listed([])).map((s) => s.name)).toEqual(['kept']);
    const table = await e2e.home.run(['sessions', 'list', '--trash']);
    expect(table.stdout.trimEnd().split('\n').slice(1)).toEqual([expect.stringMatching(/^binned\s/)]);
  });
});
