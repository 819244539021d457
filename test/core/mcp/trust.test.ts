import { mkdir, mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApprovalRequest, Workspace } from '../../../src/core/api.js';
import type { MessageRecord } from '../../../src/core/session/types.js';
import type { WorkspaceOptions } from '../../../src/core/workspace.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';
import { fixture, stdioServer, waitForStatus } from './helpers.js';

const suite = useScriptedSuite();

let root: string;

/** A workspace whose project has `.octo/config.toml` with `projectToml` (FAULTS 31). */
async function withProjectConfig(
  projectToml: string,
  options: WorkspaceOptions = {},
  userToml = '',
): Promise<TestWorkspace> {
  root = await mkdtemp(path.join(tmpdir(), 'octo-trust-'));
  await mkdir(path.join(root, 'project', '.octo'), { recursive: true });
  await writeFile(path.join(root, 'project', '.octo', 'config.toml'), projectToml);
  suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, root, options, extraConfig: userToml });
  return suite.tw;
}

async function reopen(projectToml: string | null, options: WorkspaceOptions): Promise<TestWorkspace> {
  if (projectToml !== null) await writeFile(path.join(root, 'project', '.octo', 'config.toml'), projectToml);
  suite.tw = await suite.tw!.reopen({ options });
  return suite.tw;
}

/** The next question, whether it was raised before this call (see ws.approvals.pending) or after. */
function nextQuestion(ws: Workspace): Promise<ApprovalRequest> {
  const [waiting] = ws.approvals.pending();
  if (waiting !== undefined) return Promise.resolve(waiting);
  return new Promise((resolve) => {
    const off = ws.on('approval.requested', (request) => {
      off();
      resolve(request);
    });
  });
}

const exists = (file: string): Promise<boolean> =>
  stat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)),
  );

describe("a project's MCP server (FAULTS 31)", () => {
  it('is not started without approval when nobody can be asked', async () => {
    const marker = path.join(tmpdir(), `octo-never-started-${process.pid}-${Date.now()}`);
    const t = await withProjectConfig(stdioServer('proj', [fixture('hang-server.js'), marker]));
    const info = await waitForStatus(t.ws, 'proj', 'needs-approval');
    expect(info).toMatchObject({
      origin: 'project',
      reason:
        'declared in the project’s .octo/config.toml and not approved yet (approve it in octo with /mcp approve proj)',
    });
    expect(t.ws.approvals.pending()).toEqual([]);
    expect(await exists(marker)).toBe(false);
  });

  it('starts once approved "always", is not asked again, and is asked again when its command changes', async () => {
    const declared = stdioServer('proj', [fixture('tiny-server.js')]);
    const t = await withProjectConfig(declared, { interactive: true });
    const question = await nextQuestion(t.ws);
    expect(question).toMatchObject({ kind: 'mcpServer', sessionId: null, tool: 'proj' });
    expect(question.summary).toMatch(
      /^start the MCP server "proj" declared by this project: .*tiny-server\.js$/,
    );
    expect(t.ws.mcp.list()[0]?.status).toBe('needs-approval');
    t.ws.approvals.answer(question.requestId, 'always');
    await waitForStatus(t.ws, 'proj', 'ready');
    expect((await stat(path.join(t.dataDir, 'trust.json'))).mode & 0o777).toBe(0o600);

    const again = await reopen(null, { interactive: true });
    await waitForStatus(again.ws, 'proj', 'ready');
    expect(again.ws.approvals.pending()).toEqual([]);

    const changed = await reopen(`${declared}\nenv = { EXTRA = "1" }\n`, { interactive: true });
    expect(await nextQuestion(changed.ws)).toMatchObject({ kind: 'mcpServer', tool: 'proj' });
    expect(changed.ws.mcp.list()[0]?.status).toBe('needs-approval');
  });

  it('stays stopped when declined', async () => {
    const t = await withProjectConfig(stdioServer('proj', [fixture('tiny-server.js')]), {
      interactive: true,
    });
    const question = await nextQuestion(t.ws);
    const declined = waitForStatus(t.ws, 'proj', 'needs-approval');
    t.ws.approvals.answer(question.requestId, 'deny');
    await declined;
    expect(t.ws.mcp.list()[0]).toMatchObject({ status: 'needs-approval', reason: 'declined by the user' });
  });

  it('can be approved with /mcp approve', async () => {
    const t = await withProjectConfig(stdioServer('proj', [fixture('tiny-server.js')]));
    await waitForStatus(t.ws, 'proj', 'needs-approval');
    const handle = await t.ws.sessions.open('approve', { create: true });
    expect(await handle.command('/mcp approve proj')).toMatchObject({ level: 'info' });
    await waitForStatus(t.ws, 'proj', 'ready');
  });
});

describe("a project's shell settings (FAULTS 31)", () => {
  const RUN = { toolCalls: [{ id: 's1', name: 'run_shell', arguments: '{"command":"touch ran.txt"}' }] };
  const toolResult = (records: readonly unknown[]): string | undefined =>
    (records as MessageRecord[]).find((r) => r.kind === 'message' && r.role === 'tool')?.content;

  it('do not loosen approval until approved', async () => {
    const t = await withProjectConfig('[tools.approval]\nshell = "allow"\n');
    suite.fake.enqueue(RUN, { text: 'ok' });
    const handle = await t.ws.sessions.open('loose', { create: true });
    await handle.submit('run');
    expect(toolResult(handle.records())).toMatch(
      /^Error: The tool was not allowed: run_shell needs the user's approval/,
    );
    expect(await exists(path.join(t.projectDir, 'ran.txt'))).toBe(false);
  });

  it('apply once approved, and are asked about again after "once" and after a change', async () => {
    const project = '[tools.approval]\nshell = "allow"\n';
    const t = await withProjectConfig(project, { interactive: true });
    const question = await nextQuestion(t.ws);
    expect(question).toMatchObject({ kind: 'projectSetting', sessionId: null, tool: 'tools' });
    expect(JSON.parse(question.detail)).toEqual({ approval: { shell: 'allow' } });
    t.ws.approvals.answer(question.requestId, 'always');
    const asked: ApprovalRequest[] = [];
    t.ws.on('approval.requested', (r) => asked.push(r));
    suite.fake.enqueue(RUN, { text: 'ok' });
    const handle = await t.ws.sessions.open('approved', { create: true });
    await handle.submit('run');
    expect(asked).toEqual([]);
    expect(await exists(path.join(t.projectDir, 'ran.txt'))).toBe(true);

    const same = await reopen(null, { interactive: true });
    expect(same.ws.approvals.pending()).toEqual([]);
    const changed = await reopen(`${project}write = "allow"\n`, { interactive: true });
    expect(await nextQuestion(changed.ws)).toMatchObject({ kind: 'projectSetting' });
  });

  it('may make approval stricter without being approved', async () => {
    const t = await withProjectConfig(
      '[tools.approval]\nshell = "deny"\n',
      {},
      '[tools.approval]\nshell = "allow"\n',
    );
    suite.fake.enqueue(RUN, { text: 'ok' });
    const handle = await t.ws.sessions.open('strict', { create: true });
    await handle.submit('run');
    expect(toolResult(handle.records())).toMatch(/run_shell is set to "deny"/);
    expect(await exists(path.join(t.projectDir, 'ran.txt'))).toBe(false);
  });
});
