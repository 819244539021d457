import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApprovalAnswer, ApprovalRequest } from '../../../src/core/api.js';
import type { OctoEvents } from '../../../src/core/events.js';
import type { MessageRecord } from '../../../src/core/store/records.js';
import type { WorkspaceOptions } from '../../../src/core/workspace.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';

const suite = useScriptedSuite();

async function workspace(options: WorkspaceOptions = {}, extraConfig = ''): Promise<TestWorkspace> {
  suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, options, extraConfig });
  return suite.tw;
}

const WRITE = { id: 'w1', name: 'write_file', arguments: '{"path":"out.txt","content":"hello"}' };
const toolResults = (records: readonly unknown[]): string[] =>
  (records as MessageRecord[]).filter((r) => r.kind === 'message' && r.role === 'tool').map((r) => r.content);
const exists = (file: string): Promise<boolean> =>
  stat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)),
  );

/** Answers every question with the next answer in line, recording what was asked. */
function answerWith(t: TestWorkspace, ...answers: ApprovalAnswer[]): ApprovalRequest[] {
  const asked: ApprovalRequest[] = [];
  t.ws.on('approval.requested', (request) => {
    asked.push(request);
    const answer = answers.shift();
    if (answer !== undefined) t.ws.approvals.answer(request.requestId, answer);
  });
  return asked;
}

describe('approval of tools that write or run commands', () => {
  it('tells the model the tool was not allowed when nobody can be asked, and writes nothing', async () => {
    const t = await workspace();
    suite.fake.enqueue({ toolCalls: [WRITE] }, { text: 'Could not write.' });
    const handle = await t.ws.sessions.open('headless', { create: true });
    await handle.submit('write it');
    const [result] = toolResults(handle.records());
    expect(result).toBe(
      "Error: The tool was not allowed: write_file needs the user's approval and nobody can be asked in this mode (it can be granted with --allow write).",
    );
    const next = suite.fake.requests.at(-1)?.body as { messages: Array<{ role: string; content: string }> };
    expect(next.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'w1', content: result });
    expect(await exists(path.join(t.projectDir, 'out.txt'))).toBe(false);
  });

  it('writes when the category was granted up front (--allow write)', async () => {
    const t = await workspace({ allow: ['write'] });
    suite.fake.enqueue({ toolCalls: [WRITE] }, { text: 'Written.' });
    const handle = await t.ws.sessions.open('granted', { create: true });
    await handle.submit('write it');
    expect(toolResults(handle.records())).toEqual(['Wrote out.txt (5 bytes).']);
    expect(await readFile(path.join(t.projectDir, 'out.txt'), 'utf8')).toBe('hello');
  });

  it('asks first, and reports a denial to the model without writing', async () => {
    const t = await workspace({ interactive: true });
    const asked = answerWith(t, 'deny');
    suite.fake.enqueue({ toolCalls: [WRITE] }, { text: 'Understood.' });
    const handle = await t.ws.sessions.open('denied', { create: true });
    await handle.submit('write it');
    expect(asked).toEqual([
      {
        requestId: expect.any(String) as unknown,
        kind: 'tool',
        sessionId: handle.id,
        tool: 'write_file',
        summary: 'create out.txt with 5 bytes',
        detail: 'hello',
      },
    ]);
    expect(toolResults(handle.records())).toEqual([
      'Error: The tool was not allowed: the user declined: create out.txt with 5 bytes.',
    ]);
    expect(await exists(path.join(t.projectDir, 'out.txt'))).toBe(false);
    expect(t.ws.approvals.pending()).toEqual([]);
  });

  it('asks again after "once", and not again in the session after "always"', async () => {
    const t = await workspace({ interactive: true });
    const asked = answerWith(t, 'once', 'always');
    const write = (id: string, content: string) => ({
      id,
      name: 'write_file',
      arguments: JSON.stringify({ path: 'n.txt', content }),
    });
    suite.fake.enqueue(
      { toolCalls: [write('a', '1')] },
      { toolCalls: [write('b', '2')] },
      { toolCalls: [write('c', '3')] },
      { text: 'done' },
    );
    const handle = await t.ws.sessions.open('remember', { create: true });
    await handle.submit('write three times');
    expect(asked.map((a) => a.summary)).toEqual([
      'create n.txt with 1 bytes',
      'overwrite n.txt (1 bytes now) with 1 bytes',
    ]);
    expect(await readFile(path.join(t.projectDir, 'n.txt'), 'utf8')).toBe('3');
  });

  it('asks before running a shell command, and runs nothing when denied', async () => {
    const t = await workspace({ interactive: true });
    const asked = answerWith(t, 'deny');
    suite.fake.enqueue(
      { toolCalls: [{ id: 's1', name: 'run_shell', arguments: '{"command":"touch ran.txt"}' }] },
      { text: 'ok' },
    );
    const handle = await t.ws.sessions.open('shell', { create: true });
    await handle.submit('run it');
    expect(asked.map((a) => [a.tool, a.summary, a.detail])).toEqual([
      ['run_shell', 'run touch ran.txt', 'touch ran.txt'],
    ]);
    expect(await exists(path.join(t.projectDir, 'ran.txt'))).toBe(false);
    expect(toolResults(handle.records())[0]).toMatch(/^Error: The tool was not allowed: the user declined/);
  });

  it('refuses a tool set to "deny" in the configuration, even when granted on the command line', async () => {
    const t = await workspace({ allow: ['shell'], interactive: true }, '[tools.approval]\nshell = "deny"\n');
    const asked = answerWith(t);
    suite.fake.enqueue(
      { toolCalls: [{ id: 's1', name: 'run_shell', arguments: '{"command":"touch ran.txt"}' }] },
      { text: 'ok' },
    );
    const handle = await t.ws.sessions.open('denied-by-config', { create: true });
    await handle.submit('run it');
    expect(asked).toEqual([]);
    expect(toolResults(handle.records())).toEqual([
      'Error: The tool was not allowed: run_shell is set to "deny" in [tools.approval] of the configuration.',
    ]);
    expect(await exists(path.join(t.projectDir, 'ran.txt'))).toBe(false);
  });

  it('follows a per-tool setting over its category', async () => {
    const t = await workspace({}, '[tools.approval.by_tool]\nrun_shell = "allow"\n');
    suite.fake.enqueue(
      { toolCalls: [{ id: 's1', name: 'run_shell', arguments: '{"command":"touch ran.txt"}' }] },
      { text: 'ok' },
    );
    const handle = await t.ws.sessions.open('by-tool', { create: true });
    await handle.submit('run it');
    expect(toolResults(handle.records())).toEqual(['$ touch ran.txt\n[exit code 0]']);
    expect(await exists(path.join(t.projectDir, 'ran.txt'))).toBe(true);
  });

  it('withdraws the question when the turn is cancelled, and writes nothing', async () => {
    const t = await workspace({ interactive: true });
    const handle = await t.ws.sessions.open('cancel', { create: true });
    const settled: Array<OctoEvents['approval.settled']> = [];
    t.ws.on('approval.settled', (event) => settled.push(event));
    t.ws.on('approval.requested', () => handle.interrupt());
    suite.fake.enqueue({ toolCalls: [WRITE] });
    const outcome = await handle.submit('write it');
    expect(outcome.status).toBe('interrupted');
    expect(settled.map((s) => s.answer)).toEqual(['cancelled']);
    expect(toolResults(handle.records())).toEqual([expect.stringMatching(/interrupted/i) as unknown]);
    expect(await exists(path.join(t.projectDir, 'out.txt'))).toBe(false);
  });
});

describe("the shell's environment", () => {
  it("is the user's, without the provider keys octo holds", async () => {
    suite.tw = await makeTestWorkspace({
      providerUrl: suite.fake.url,
      options: { allow: ['shell'] },
      env: {
        OPENAI_API_KEY: 'sk-proj-abcdefghijklmnopqrstuvwxyz123456',
        PROJECT_FLAG: 'on',
        PATH: '/usr/bin:/bin',
      },
    });
    const command = 'echo "key=${OPENAI_API_KEY:-none} flag=$PROJECT_FLAG"';
    suite.fake.enqueue(
      { toolCalls: [{ id: 's1', name: 'run_shell', arguments: JSON.stringify({ command }) }] },
      { text: 'ok' },
    );
    const handle = await suite.tw.ws.sessions.open('env', { create: true });
    await handle.submit('env');
    expect(toolResults(handle.records())).toEqual([`$ ${command}\nkey=none flag=on\n[exit code 0]`]);
  });
});
