import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OctoEventName, OctoEvents } from '../../../src/core/events.js';
import type { MessageRecord } from '../../../src/core/store/records.js';
import { useScriptedSuite } from '../../support/scripted-suite.js';
import { type FakeProvider, type FakeRequestBody } from '../../support/fake-provider.js';
import { makeTestWorkspace, type TestWorkspace } from '../../support/workspace.js';

const suite = useScriptedSuite();

function collect<K extends OctoEventName>(t: TestWorkspace, name: K): Array<OctoEvents[K]> {
  const seen: Array<OctoEvents[K]> = [];
  t.ws.on(name, (payload) => seen.push(payload));
  return seen;
}

const CALL_AGENT = {
  toolCalls: [
    { id: 'a1', name: 'agent_context_gatherer', arguments: '{"task":"Where is the token lifetime set?"}' },
  ],
  usage: { prompt: 100, completion: 10 },
};
const toolNames = (body: FakeRequestBody): string[] =>
  (body.tools ?? []).map((t) => (t as { function: { name: string } }).function.name);
const systemOf = (body: FakeRequestBody): string => (body.messages?.[0] as { content: string }).content;

/** A scripted step that waits until the test lets it answer; `arrived` resolves when the request is in. */
function gated(answer: () => Parameters<FakeProvider['enqueue']>[0]) {
  let arrived!: () => void;
  let release!: (late?: boolean) => void;
  const inFlight = new Promise<void>((resolve) => (arrived = resolve));
  const gate = new Promise<boolean>((resolve) => (release = (late = false) => resolve(late)));
  const step = async () => {
    arrived();
    return (await gate) ? ({ hang: true } as const) : answer();
  };
  return { step, inFlight, release };
}

describe('agents', () => {
  it('runs agent_context_gatherer as a background job in a child session, and counts its cost in the caller', async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    const t = suite.tw;
    await writeFile(path.join(t.projectDir, 'auth.md'), 'Tokens expire after 15 minutes.\n');
    const started = collect(t, 'job.started');
    const progress = collect(t, 'job.progress');
    const finished = collect(t, 'job.finished');
    suite.fake.enqueue(
      CALL_AGENT,
      {
        toolCalls: [{ id: 'r1', name: 'read_file', arguments: '{"path":"auth.md"}' }],
        usage: { prompt: 200, completion: 20 },
      },
      { text: 'auth.md line 1: tokens expire after 15 minutes.', usage: { prompt: 300, completion: 30 } },
      { text: 'Fifteen minutes (auth.md).', usage: { prompt: 150, completion: 10 } },
    );
    const handle = await t.ws.sessions.open('main', { create: true });
    const first = suite.fake.requests.length;
    const outcome = await handle.submit('How long do tokens live?');
    expect(outcome).toMatchObject({ status: 'finished', reply: 'Fifteen minutes (auth.md).' });

    const agentRequest = suite.fake.requests[first + 1]?.body ?? {};
    expect(systemOf(agentRequest)).toMatch(/^You are a context gatherer/);
    expect(toolNames(agentRequest)).toEqual(['read_file', 'list_dir', 'list_files', 'search_text']);
    expect(toolNames(suite.fake.requests[first]?.body ?? {})).toContain('agent_context_gatherer');

    const agentCost = (200 + 20 * 2 + 300 + 30 * 2) / 1e6;
    const agentUsage = { input: 500, output: 50, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
    const child = started[0]?.childSessionId ?? '';
    expect(started).toEqual([
      {
        jobId: 'j1',
        sessionId: handle.id,
        kind: 'agent',
        title: 'context_gatherer: Where is the token lifetime set?',
        childSessionId: child,
      },
    ]);
    expect(progress.map((p) => p.activity)).toContain('read_file {"path":"auth.md"}');
    expect(finished).toHaveLength(1);
    expect(finished[0]?.usage).toEqual(agentUsage);
    expect(finished[0]?.cost).toBeCloseTo(agentCost, 12);
    expect(t.ws.jobs.list()).toMatchObject([
      { id: 'j1', status: 'finished', usage: agentUsage, childSessionId: child },
    ]);

    const tool = handle.records().find((r): r is MessageRecord => r.kind === 'message' && r.role === 'tool');
    expect(tool).toMatchObject({
      content: 'auth.md line 1: tokens expire after 15 minutes.',
      usage: agentUsage,
      costSource: 'agent',
    });
    const summary = (await t.ws.sessions.find('main'))!;
    expect(summary.tokens).toMatchObject({ input: 100 + 500 + 150, output: 10 + 50 + 10 });
    expect(summary.cost).toBeCloseTo((100 + 20 + 150 + 20) / 1e6 + agentCost, 12);

    const info = await handle.command('/info');
    expect(info.type === 'info' ? info.info.cost.bySource.agent : null).toBeCloseTo(agentCost, 12);

    const shown = await t.ws.sessions.show(child);
    expect(shown.summary.parentId).toBe(handle.id);
    const childMessages = shown.records.filter((r): r is MessageRecord => r.kind === 'message');
    expect(childMessages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(childMessages[0]?.content).toBe('Where is the token lifetime set?');
  });

  it('leaves the workspace usable while the agent works', async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    const t = suite.tw;
    const agent = gated(() => ({ text: 'found it' }));
    suite.fake.enqueue(CALL_AGENT, agent.step, { text: 'side answer' }, { text: 'Done.' });
    const handle = await t.ws.sessions.open('busy-main', { create: true });
    const turn = handle.submit('look around');
    await agent.inFlight;
    expect(t.ws.jobs.list()).toMatchObject([{ kind: 'agent', status: 'running', sessionId: handle.id }]);
    expect(handle.isBusy()).toBe(true);
    const side = await t.ws.sessions.open('side', { create: true });
    expect(await side.submit('meanwhile?')).toMatchObject({ status: 'finished', reply: 'side answer' });
    agent.release();
    expect(await turn).toMatchObject({ status: 'finished', reply: 'Done.' });
  });

  it('is cancelled through the jobs API; the caller is told and carries on', async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    const t = suite.tw;
    const failed = collect(t, 'job.failed');
    const agent = gated(() => ({ text: 'never sent' }));
    suite.fake.enqueue(CALL_AGENT, agent.step, { text: 'Carrying on without it.' });
    const handle = await t.ws.sessions.open('cancel-agent', { create: true });
    const turn = handle.submit('look around');
    await agent.inFlight;
    const [job] = t.ws.jobs.list();
    expect(t.ws.jobs.cancel(job?.id ?? '')).toBe(true);
    expect(await turn).toMatchObject({ status: 'finished', reply: 'Carrying on without it.' });
    agent.release(true);
    expect(failed).toEqual([
      { jobId: job?.id, sessionId: handle.id, message: 'Cancelled by the user', cancelled: true },
    ]);
    expect(t.ws.jobs.get(job?.id ?? '')?.status).toBe('cancelled');
    const tool = handle.records().find((r): r is MessageRecord => r.kind === 'message' && r.role === 'tool');
    expect(tool?.content).toBe('Error: The user cancelled the agent before it finished.');
    expect(t.ws.jobs.cancel(job?.id ?? '')).toBe(false);
  });

  it("stops with the caller's turn when the user interrupts it", async () => {
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url });
    const agent = gated(() => ({ text: 'never sent' }));
    suite.fake.enqueue(CALL_AGENT, agent.step);
    const handle = await suite.tw.ws.sessions.open('interrupt-agent', { create: true });
    const turn = handle.submit('look around');
    await agent.inFlight;
    handle.interrupt();
    expect(await turn).toMatchObject({ status: 'interrupted' });
    agent.release(true);
    expect(suite.tw.ws.jobs.list()).toMatchObject([{ kind: 'agent', status: 'cancelled' }]);
    const tool = handle.records().find((r): r is MessageRecord => r.kind === 'message' && r.role === 'tool');
    expect(tool).toMatchObject({ toolCallId: 'a1', interrupted: true });
  });

  it('offers configured agents with their own prompt, and only the tools they are allowed', async () => {
    const agents = [
      '[[agents]]',
      'name = "reviewer"',
      'description = "Reviews a change"',
      'system_prompt = "You review code."',
      'tools = ["read_file", "run_shell"]',
    ].join('\n');
    suite.tw = await makeTestWorkspace({ providerUrl: suite.fake.url, extraConfig: agents });
    suite.fake.enqueue(
      { toolCalls: [{ id: 'a1', name: 'agent_reviewer', arguments: '{"task":"review"}' }] },
      { text: 'Looks fine.' },
      { text: 'Reviewed.' },
    );
    const handle = await suite.tw.ws.sessions.open('review', { create: true });
    const first = suite.fake.requests.length;
    await handle.submit('review please');
    expect(toolNames(suite.fake.requests[first]?.body ?? {})).toEqual(
      expect.arrayContaining(['agent_reviewer', 'agent_context_gatherer']),
    );
    const agentRequest = suite.fake.requests[first + 1]?.body ?? {};
    expect(systemOf(agentRequest)).toMatch(/^You review code\./);
    expect(toolNames(agentRequest)).toEqual(['read_file', 'run_shell']);
  });
});
