/** Slash commands in -p: run headless, never sent to the model, --json typed. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandResult } from '../../src/core/api.js';
import { summariserAnswer } from '../support/fake-summariser.js';
import { e2eConfig, useOctoHome } from './support.js';

const e2e = useOctoHome();

async function seeded(name: string): Promise<void> {
  e2e.fake.enqueue({ text: 'Hello.', usage: { prompt: 1200, completion: 40 } });
  expect((await e2e.home.run(['run', '--name', name, '-p', 'hi'])).code).toBe(0);
}

describe('slash commands with -p', () => {
  it('/info, /context and /knowledge print their result and call no model; --json is one typed document', async () => {
    await seeded('cmds');
    const before = e2e.fake.requests.length;

    const info = await e2e.home.run(['run', '--resume', 'cmds', '-p', '/info']);
    expect(info).toMatchObject({ code: 0, stderr: '' });
    expect(info.stdout).toMatch(/^cmds · test:fake-model\nTokens +input 1\.2k · output 40/);
    expect(info.stdout).toContain('Messages      2 (2 in context, 0 compacted)');

    const context = await e2e.home.run(['run', '--resume', 'cmds', '-p', '/context user']);
    expect(context.code).toBe(0);
    expect(context.stdout).toMatch(/^Context \(user\): 1 part/);
    expect(context.stdout).toContain('hi');

    const knowledge = await e2e.home.run(['run', '--resume', 'cmds', '--json', '-p', '/knowledge']);
    expect(knowledge.code).toBe(0);
    const doc = JSON.parse(knowledge.stdout) as {
      session: { name: string };
      command: string;
      result: CommandResult;
    };
    expect(doc).toMatchObject({
      session: { name: 'cmds' },
      command: 'knowledge',
      result: { type: 'knowledge', entries: [], changed: null },
    });

    const infoJson = JSON.parse(
      (await e2e.home.run(['run', '--resume', 'cmds', '--json', '-p', '/info'])).stdout,
    ) as {
      result: CommandResult;
    };
    expect(infoJson.result).toMatchObject({ type: 'info', info: { name: 'cmds', messages: { total: 2 } } });
    expect(e2e.fake.requests.length).toBe(before);
  });

  it('an unknown /word and a full-screen command fail with exit 2 and reach no model', async () => {
    await seeded('strict');
    const before = e2e.fake.requests.length;
    const unknown = await e2e.home.run(['run', '--resume', 'strict', '-p', '/infp']);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toBe(
      'octo: Unknown command /infp; nothing was sent to the model. Did you mean /info?\n',
    );
    const json = await e2e.home.run(['run', '--resume', 'strict', '--json', '-p', '/infp']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({
      command: 'infp',
      result: { type: 'unknown', name: 'infp' },
    });
    const fork = await e2e.home.run(['run', '--resume', 'strict', '-p', '/fork copy']);
    expect(fork.code).toBe(2);
    expect(fork.stderr).toContain('/fork works in the full screen only');
    expect(e2e.fake.requests.length).toBe(before);
  });

  it('/run NAME sends its prompt as a turn; a path or //text is a message', async () => {
    await writeFile(
      path.join(e2e.home.dataDir, 'config.toml'),
      e2eConfig(
        e2e.fake.url,
        '[[commands]]\nname = "reduce"\nprompt = "Reduce the code to its essentials."\n',
      ),
    );
    await seeded('runs');
    e2e.fake.enqueue({ text: 'Reduced.' }, { text: 'A path.' }, { text: 'Escaped.' });
    const lastUser = (): unknown =>
      (e2e.fake.requests.at(-1)?.body.messages as Array<{ role: string; content: unknown }>)
        .filter((m) => m.role === 'user')
        .at(-1)?.content;

    const ran = await e2e.home.run(['run', '--resume', 'runs', '--json', '-p', '/run reduce src/a.ts']);
    expect(ran.code).toBe(0);
    expect(lastUser()).toBe('Reduce the code to its essentials.\n\nsrc/a.ts');
    expect(JSON.parse(ran.stdout)).toMatchObject({
      status: 'finished',
      reply: 'Reduced.',
      command: 'run',
      result: { type: 'submit', command: 'reduce' },
    });

    expect(await e2e.home.run(['run', '--resume', 'runs', '-p', '/usr/bin is on my PATH?'])).toMatchObject({
      code: 0,
      stdout: 'A path.\n',
    });
    expect(lastUser()).toBe('/usr/bin is on my PATH?');
    expect((await e2e.home.run(['run', '--resume', 'runs', '-p', '//info means what?'])).code).toBe(0);
    expect(lastUser()).toBe('/info means what?');
  });

  it('/summarize and /done compress now and say what they did', async () => {
    await seeded('tidy');
    e2e.fake.enqueue({ text: 'Second.' });
    expect((await e2e.home.run(['run', '--resume', 'tidy', '-p', 'Decision: keep the store'])).code).toBe(0);
    e2e.fake.enqueue((request) => summariserAnswer('json', request));
    const summarized = await e2e.home.run(['run', '--resume', 'tidy', '-p', '/summarize']);
    expect(summarized.code).toBe(0);
    expect(summarized.stdout).toMatch(/^Summarised now: \d+ messages: /);
    e2e.fake.enqueue({ text: 'Third.' }, (request) => summariserAnswer('json', request));
    expect((await e2e.home.run(['run', '--resume', 'tidy', '-p', 'Constraint: no new files'])).code).toBe(0);
    const done = await e2e.home.run(['run', '--resume', 'tidy', '--json', '-p', '/done']);
    expect(done).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(done.stdout)).toMatchObject({ command: 'done', result: { type: 'checkpoint' } });
  }, 60_000);

  it('/done right after /summarize checkpoints the turn /summarize kept', async () => {
    await seeded('again');
    e2e.fake.enqueue((request) => summariserAnswer('json', request));
    expect((await e2e.home.run(['run', '--resume', 'again', '-p', '/summarize'])).code).toBe(0);
    const asked = e2e.fake.requests.length;
    e2e.fake.enqueue((request) => summariserAnswer('json', request));
    const done = await e2e.home.run(['run', '--resume', 'again', '--json', '-p', '/done']);
    expect(done).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(done.stdout)).toMatchObject({ command: 'done', result: { type: 'checkpoint' } });
    // The latest turn, which /summarize keeps whole, is what the checkpoint summarises.
    expect(e2e.fake.requests.length).toBe(asked + 1);
    const again = await e2e.home.run(['run', '--resume', 'again', '--json', '-p', '/done']);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(again.stdout)).toMatchObject({ result: { type: 'checkpoint', compaction: null } });
    expect(e2e.fake.requests.length).toBe(asked + 1);
  }, 60_000);
});
