/** The screen over the real core: approval of write tools, and agent jobs in the Jobs pane. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Workspace } from '../../src/core/api.js';
import type { OctoEvents, OctoEventName } from '../../src/core/events.js';
import type { MessageRecord } from '../../src/core/store/records.js';
import type { FakeStep } from '../support/fake-provider.js';
import { APPROVAL_GUARD_MS } from '../../src/tui/app/approvals.js';
import { FIXED_NOW } from './support/fake-workspace.js';
import { KEY, type Headless } from './support/headless.js';
import { useRealCore } from './support/real-core.js';

const core = useRealCore();

function next<K extends OctoEventName>(
  ws: Workspace,
  name: K,
  when: (payload: OctoEvents[K]) => boolean = () => true,
): Promise<OctoEvents[K]> {
  return new Promise((resolve) => {
    const off = ws.on(name, (payload) => {
      if (!when(payload)) return;
      off();
      resolve(payload);
    });
  });
}

const exists = (file: string): Promise<boolean> =>
  stat(file).then(
    () => true,
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? false : Promise.reject(error)),
  );

const WRITE = { id: 'w1', name: 'write_file', arguments: '{"path":"out.txt","content":"hello"}' };

/** The screen's clock, moved by the test: an answer counts only after the question's guard time. */
let now = FIXED_NOW;

async function writeScreen(): Promise<{ s: Headless; ws: Workspace; file: string }> {
  const test = await core.workspace({ providerUrl: core.fake.url, options: { interactive: true } });
  const { ws } = test;
  await ws.sessions.create('writer');
  core.fake.enqueue({ toolCalls: [WRITE] }, { text: 'Noted.' });
  now = FIXED_NOW;
  const s = await core.screen(ws, { width: 120, height: 40 }, { clock: () => now });
  const asked = next(ws, 'approval.requested');
  await s.press(...'write it'.split(''), KEY.enter);
  await asked;
  await s.flush();
  return { s, ws, file: path.join(test.projectDir, 'out.txt') };
}

/** Waits out the guard time, then chooses with Left/Right and answers with Enter. */
async function answer(s: Headless, choice: 'once' | 'deny'): Promise<void> {
  now += APPROVAL_GUARD_MS;
  await s.press(choice === 'once' ? KEY.right : KEY.left, KEY.enter);
}

function toolResult(ws: Workspace, name: string): Promise<string | undefined> {
  return ws.sessions
    .show(name)
    .then(
      ({ records }) =>
        records.find((r): r is MessageRecord => r.kind === 'message' && r.role === 'tool')?.content,
    );
}

describe('write and shell tools ask first, on the screen', () => {
  it('shows the question; Left and Enter deny it: nothing is written and the model is told', async () => {
    const { s, ws, file } = await writeScreen();
    const box = s.text();
    expect(box).toContain('A tool call needs your approval');
    expect(box).toContain('tool write_file');
    expect(box).toContain('create out.txt with 5 bytes');
    expect(box).toContain('hello');
    expect(box).toContain('Allow once');
    // Typed letters go to the input and answer nothing (docs/faults.md row 33).
    await s.press(...'why'.split(''));
    expect(s.tui.controller.state.input.text).toBe('why');
    expect(s.text()).toContain('A tool call needs your approval');
    const finished = next(ws, 'turn.finished');
    await answer(s, 'deny');
    await finished;
    await s.flush();
    expect(s.text()).not.toContain('A tool call needs your approval');
    expect(await exists(file)).toBe(false);
    const result = await toolResult(ws, 'writer');
    expect(result).toMatch(/^Error: The tool was not allowed: the user declined/);
    const last = core.fake.requests.at(-1)?.body.messages?.at(-1);
    expect(last).toEqual({ role: 'tool', tool_call_id: 'w1', content: result });
  });

  it('Right and Enter allow it once: the file is written', async () => {
    const { s, ws, file } = await writeScreen();
    const finished = next(ws, 'turn.finished');
    await answer(s, 'once');
    await finished;
    await s.flush();
    expect(await readFile(file, 'utf8')).toBe('hello');
    expect(await toolResult(ws, 'writer')).toBe('Wrote out.txt (5 bytes).');
    expect(s.text()).toContain('Noted.');
  });
});

const CALL_AGENT = {
  toolCalls: [
    { id: 'a1', name: 'agent_context_gatherer', arguments: '{"task":"Where is the token lifetime set?"}' },
  ],
  usage: { prompt: 100, completion: 10 },
};

/** A scripted step that waits until the test lets it answer; `arrived` resolves when the request is in. */
function gated(answer: FakeStep): {
  step: FakeStep;
  inFlight: Promise<void>;
  release: (hang?: boolean) => void;
} {
  let arrived!: () => void;
  let release!: (hang?: boolean) => void;
  const inFlight = new Promise<void>((resolve) => (arrived = resolve));
  const gate = new Promise<boolean>((resolve) => (release = (hang = false) => resolve(hang)));
  const step = async (): Promise<FakeStep> => {
    arrived();
    return (await gate) ? { hang: true } : answer;
  };
  return { step, inFlight, release };
}

describe('background agents in the Jobs pane', () => {
  it('shows the agent running while the user types, then its tokens and cost, and its transcript', async () => {
    const test = await core.workspace({ providerUrl: core.fake.url });
    const { ws } = test;
    const main = await ws.sessions.create('main');
    const agent = gated({ text: 'It is set in auth.md.', usage: { prompt: 300, completion: 30 } });
    core.fake.enqueue(CALL_AGENT, agent.step, { text: 'Fifteen minutes.' });
    const s = await core.screen(ws, { width: 140, height: 40 });
    const finished = next(ws, 'turn.finished', (e) => e.sessionId === main.id);
    await s.press(...'How long?'.split(''), KEY.enter);
    await agent.inFlight;
    await s.press(...'still typing'.split(''));
    expect(s.text()).toContain('⟳ agent: context_gatherer');
    expect(s.tui.controller.state.input.text).toBe('still typing');

    agent.release();
    await finished;
    await s.flush();
    expect(s.text()).toContain('✓ agent: context_gatherer');
    expect(s.text()).toMatch(/330 tok · \$0\.00036 · \d+s/);
    expect([...s.tui.controller.state.jobs.values()]).toMatchObject([
      { kind: 'agent', status: 'finished', tokens: 330, cost: (300 + 30 * 2) / 1e6 },
    ]);

    await s.press(KEY.shiftTab, KEY.enter);
    await s.flush();
    const transcript = s.text();
    expect(transcript).toContain('Esc closes');
    expect(transcript).toContain('Where is the token lifetime set?');
    expect(transcript).toContain('It is set in auth.md.');
    await s.press(KEY.esc);
    expect(s.text()).not.toContain('Esc closes');
  });

  it('cancels the selected job with x; the caller is told and carries on', async () => {
    const test = await core.workspace({ providerUrl: core.fake.url });
    const { ws } = test;
    const main = await ws.sessions.create('main');
    const agent = gated({ text: 'never sent' });
    core.fake.enqueue(CALL_AGENT, agent.step, { text: 'Carrying on without it.' });
    const s = await core.screen(ws, { width: 140, height: 40 });
    const finished = next(ws, 'turn.finished', (e) => e.sessionId === main.id);
    await s.press(...'look'.split(''), KEY.enter);
    await agent.inFlight;
    await s.press(KEY.shiftTab, KEY.down, 'x');
    await finished;
    agent.release(true);
    await s.flush();
    expect(s.text()).toContain('– agent: context_gatherer');
    expect(s.text()).toMatch(/ · cancelled/);
    expect(await toolResult(ws, 'main')).toBe('Error: The user cancelled the agent before it finished.');
    expect(s.text()).toContain('Carrying on without it.');
  });
});

/**
 * A screen whose model starts `command` in the background when the user types `prompt`; resolves
 * once the command has finished and the turn has ended, with its output shown over the panes.
 */
async function backgroundShellShown(command: string, prompt: string): Promise<Headless> {
  const test = await core.workspace({
    providerUrl: core.fake.url,
    options: { allow: ['shell'] },
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  });
  const { ws } = test;
  const main = await ws.sessions.create('main');
  core.fake.enqueue(
    {
      toolCalls: [{ id: 'c1', name: 'run_shell', arguments: JSON.stringify({ command, background: true }) }],
    },
    { text: 'Started it.' },
  );
  const s = await core.screen(ws, { width: 140, height: 40 });
  const done = next(ws, 'job.finished');
  const finished = next(ws, 'turn.finished', (e) => e.sessionId === main.id);
  await s.press(...prompt.split(''), KEY.enter);
  await Promise.all([done, finished]);
  await s.flush();
  expect(s.text()).toContain('✓ shell: ');
  await s.press(KEY.shiftTab, KEY.enter);
  await s.flush();
  return s;
}

describe('background shell commands in the Jobs pane', () => {
  it('shows the command as a job and Enter shows its output, sanitised', async () => {
    const s = await backgroundShellShown(String.raw`printf 'build ok\n\033[2Jcleared?\n'`, 'build');
    const shown = s.text();
    expect(shown).toContain('Esc closes');
    expect(shown).toContain('job j1: exited (exit code 0)');
    expect(shown).toContain('build ok');
    expect(shown).toContain('cleared?');
    expect(shown).not.toContain('\u001b[2J');
  });

  it('pages through a long output with PageUp and PageDown', async () => {
    const s = await backgroundShellShown("seq 1 200 | sed 's/^/row /'", 'rows');
    const newest = s.text();
    expect(newest).toContain('PgUp/PgDn scroll');
    expect(newest).toContain('row 200');
    expect(newest).not.toMatch(/row 150\b/);
    // A page is the box's height (34 lines at 40 rows) less two kept from the previous page.
    await s.press(KEY.pageUp);
    await s.flush();
    const earlier = s.text();
    expect(earlier).toMatch(/lines below/);
    expect(earlier).toMatch(/row 150\b/);
    expect(earlier).not.toContain('row 200');
    await s.press(KEY.pageUp, KEY.pageUp, KEY.pageDown, KEY.pageDown, KEY.pageDown);
    await s.flush();
    expect(s.text()).toContain('row 200');
    expect(s.text()).not.toMatch(/lines below/);
  });
});
