import { jobsNote } from '../../src/tui/view/command-result.js';
import { describe, expect, it } from 'vitest';
import { lineText, type StyledLine } from '../../src/tui/text/styled.js';
import { bar, contextView } from '../../src/tui/view/context-view.js';
import { jobsView, type JobRow, type McpRow } from '../../src/tui/view/jobs-view.js';
import { scrollToCursor, sessionsView } from '../../src/tui/view/sessions-view.js';
import { statusView } from '../../src/tui/view/status-view.js';
import { ZERO_USAGE } from '../../src/core/store/records.js';
import { FIXED_NOW, summary } from './support/fake-workspace.js';

const text = (lines: readonly StyledLine[]): string[] => lines.map((l) => lineText(l).trimEnd());

describe('sessions view', () => {
  const summaries = [
    summary({ id: 'o1', name: 'elsewhere-old', projectId: 'p2', projectDir: '/w/two', order: 1 }),
    summary({ id: 'm1', name: 'mine-old', order: 2, updatedAt: '2025-05-30T12:00:00Z' }),
    summary({ id: 'o2', name: 'elsewhere-new', projectId: 'p2', projectDir: '/w/two', order: 5 }),
    summary({ id: 'x1', name: 'third-project', projectId: 'p3', projectDir: '/w/three', order: 4 }),
    summary({
      id: 'm2',
      name: 'mine-new',
      order: 6,
      messageCount: 12,
      tokens: { ...ZERO_USAGE, input: 3000, output: 400 },
      cost: 0.1234,
      updatedAt: '2025-06-01T11:55:00Z',
    }),
    summary({ id: 'm3', name: 'unpriced', order: 3, cost: null, costIncomplete: true }),
  ];
  const view = (over: Partial<Parameters<typeof sessionsView>[0]> = {}) =>
    sessionsView({
      summaries,
      projectId: 'proj',
      openId: 'm2',
      busy: new Set(['m1']),
      cursor: 'm2',
      now: FIXED_NOW,
      width: 30,
      ...over,
    });

  it("lists this project's sessions first, then other projects grouped by directory, most recent first", () => {
    expect(view().order).toEqual(['m2', 'm3', 'm1', 'o2', 'o1', 'x1']);
    expect(text(view().lines(0, 100)).filter((_, i) => view().owners[i] === null)).toEqual([
      'This project',
      '/w/two',
      '/w/three',
    ]);
  });

  it('shows name, age, messages, tokens and cost, marking the open and the busy session', () => {
    const lines = text(view().lines(0, 100));
    expect(lines.slice(1, 3)).toEqual(['▶  mine-new                 5m', '   12 msg · 3.4k tok · $0.12']);
    expect(lines).toContain(' ⟳ mine-old                 2d');
  });

  it('shows an unknown cost as ?, never as $0', () => {
    const lines = text(view().lines(0, 100));
    const at = lines.findIndex((l) => l.includes('unpriced'));
    expect(lines[at + 1]).toBe('   0 msg · 0 tok · ?');
  });

  it('shows a session that made no request yet as -, not as an unknown cost', () => {
    const fresh = summary({ id: 'f', name: 'fresh', order: 9, cost: null, costIncomplete: false });
    expect(text(view({ summaries: [fresh], openId: null, cursor: null }).lines(0, 100))[2]).toBe(
      '   0 msg · 0 tok · -',
    );
  });

  it('shows tokens no request reported as ?, and reported ones even when others were not', () => {
    const local = (tokens: typeof ZERO_USAGE) =>
      summary({ id: 'l', name: 'local', order: 9, messageCount: 4, cost: 0, tokensIncomplete: true, tokens });
    const row = (s: ReturnType<typeof summary>): string | undefined =>
      text(view({ summaries: [s], openId: null, cursor: null }).lines(0, 100))[2];
    expect(row(local(ZERO_USAGE))).toBe('   4 msg · ? tok · $0.00');
    expect(row(local({ ...ZERO_USAGE, input: 900, output: 100 }))).toBe('   4 msg · 1.0k tok · $0.00');
  });

  it('in a narrow pane keeps "msg" and the whole cost, dropping the tokens first', () => {
    const row = (width: number): string | undefined =>
      text(view({ summaries: [summaries[4]!], openId: null, cursor: null, width }).lines(0, 100))[2];
    expect(row(24)).toBe('   12 msg 3.4kt $0.12');
    // At 80 columns the pane is 18 wide: "12m 3.4kt $0.1…" read as twelve minutes and a cut cost.
    expect(row(18)).toBe('   12 msg $0.12');
  });

  it('highlights the cursor row and reports its line', () => {
    const v = view({ cursor: 'm3' });
    expect(v.cursorLine).toBe(3);
    expect(v.lines(3, 1)[0]?.every((s) => s.style === 'selected')).toBe(true);
  });

  it('lists forks indented under their origin, worktrees of one repository together, and marks a missing project', () => {
    const v = view({
      summaries: [
        summary({ id: 'r', name: 'root', order: 1 }),
        summary({ id: 'f1', name: 'root-fork', order: 5, parentId: 'r' }),
        summary({ id: 'f2', name: 'fork-of-fork', order: 6, parentId: 'f1' }),
        summary({ id: 'n', name: 'newer', order: 7 }),
        summary({ id: 'w1', name: 'wt-a', projectId: 'g1', projectGroup: 'G', projectDir: '/w/a', order: 4 }),
        summary({ id: 'w2', name: 'wt-b', projectId: 'g2', projectGroup: 'G', projectDir: '/w/b', order: 3 }),
        summary({
          id: 'gone',
          name: 'old',
          projectId: 'p9',
          projectDir: '/w/gone',
          order: 2,
          projectMissing: true,
        }),
      ],
      openId: null,
      cursor: null,
      busy: new Set(),
    });
    expect(v.order).toEqual(['n', 'r', 'f1', 'f2', 'w1', 'w2', 'gone']);
    const firstRows = (_: string, i: number): boolean =>
      v.owners[i] === null || v.owners[i] !== v.owners[i - 1];
    expect(text(v.lines(0, 100)).filter(firstRows)).toEqual([
      'This project',
      '   newer                    1h',
      '   root                     1h',
      '   ↳ root-fork              1h',
      '     ↳ fork-of-fork         1h',
      '/w/a',
      '   wt-a                     1h',
      '   wt-b                     1h',
      '/w/gone (missing)',
      '   old                      1h',
    ]);
  });

  it('counts the sessions of other worktrees of this repository as this project', () => {
    const v = view({
      summaries: [summary({ id: 'w', name: 'wt', projectId: 'g2', projectGroup: 'G', order: 1 })],
      projectGroup: 'G',
    });
    expect(text(v.lines(0, 1))).toEqual(['This project']);
    expect(v.order).toEqual(['w']);
  });

  it('says when this project has no sessions yet', () => {
    expect(text(view({ summaries: [] }).lines(0, 100))).toEqual(['This project', '  (no sessions yet)']);
  });

  it('scrolls the list only as far as needed to keep the cursor visible', () => {
    expect(scrollToCursor(0, 4, 10, 100)).toBe(0);
    expect(scrollToCursor(0, 30, 10, 100)).toBe(22);
    expect(scrollToCursor(22, 10, 10, 100)).toBe(9);
    expect(scrollToCursor(95, -1, 10, 20)).toBe(10);
  });

  it('never scrolls a list that fits, and leaves a pane that is not shown where it was', () => {
    // Shown again after F2 (or a resize) with a top left from before: the whole list, from its first line.
    expect(scrollToCursor(5, 3, 44, 11)).toBe(0);
    expect(scrollToCursor(0, 3, 0, 11)).toBe(0);
    expect(scrollToCursor(4, 3, -2, 11)).toBe(4);
  });
});

describe('context view', () => {
  const breakdown = {
    system: 1200,
    tools: 800,
    knowledge: 300,
    messages: 47_700,
    attachments: 0,
    total: 50_000,
    window: 100_000,
    nextCompactionAt: null,
  };
  const base = {
    breakdown,
    tokens: { input: 12_000, output: 3_000, cacheRead: 4_000, cacheWrite: 0, reasoning: 500 },
    cost: 0.5,
    costIncomplete: false,
    spendingLimit: 2,
    streamingChars: 0,
    stale: [] as string[],
    width: 26,
  };

  it('shows tokens against the window as a bar, the breakdown, session tokens and cost against the limit', () => {
    expect(text(contextView(base))).toEqual([
      '50k / 100k tokens (50%)',
      '█████████████░░░░░░░░░░░░░',
      ' system               1.2k',
      ' tools                 800',
      ' knowledge+summary     300',
      ' messages              48k',
      ' attachments             0',
      'Session tokens',
      ' input                 12k',
      ' output               3.0k',
      ' cached               4.0k',
      ' reasoning             500',
      'Cost $0.50 of $2.00 (25%)',
      '███████░░░░░░░░░░░░░░░░░░░',
    ]);
  });

  it('says the window is unknown rather than drawing a bar against nothing', () => {
    expect(text(contextView({ ...base, width: 30, breakdown: { ...breakdown, window: null } }))[0]).toBe(
      '50k tokens · window unknown',
    );
    // Narrower, it was cut ("50k tokens · window" at 80 columns, where the pane is 22 wide).
    expect(text(contextView({ ...base, width: 26, breakdown: { ...breakdown, window: null } }))[0]).toBe(
      '50k / ? tokens',
    );
  });

  it('adds an estimate for the reply while it streams', () => {
    const lines = text(contextView({ ...base, streamingChars: 4000 }));
    expect(lines[0]).toBe('51k / 100k tokens (51%)');
    expect(lines).toContain(' streaming (est.)    +1.0k');
  });

  it('cannot check an unknown cost against the limit, and says so', () => {
    expect(text(contextView({ ...base, cost: null, costIncomplete: true })).slice(-2)).toEqual([
      'Cost ? of $2.00',
      ' unknown price: limit cannot be checked',
    ]);
  });

  it('counts a session that made no request yet as nothing spent against the limit', () => {
    expect(text(contextView({ ...base, cost: null, costIncomplete: false })).slice(-2)[0]).toBe(
      'Cost - of $2.00 (0%)',
    );
  });

  it('lists the files the model read that changed on disk since, sanitised', () => {
    expect(text(contextView({ ...base, stale: ['src/a.ts', 'evil\u001b[2J.ts'] })).slice(-3)).toEqual([
      'Stale files (2)',
      ' src/a.ts',
      ' evil.ts',
    ]);
  });

  it('turns the bar to warning and danger colours as it fills', () => {
    expect(bar(0.5, 10)[0]?.style).toBe('barFill');
    expect(bar(0.75, 10)[0]?.style).toBe('barWarn');
    expect(bar(0.95, 10)[0]?.style).toBe('barDanger');
    expect(lineText(bar(2, 10))).toBe('██████████');
  });
});

describe('jobs view', () => {
  const input = { jobs: [], mcp: [], cursor: null, focused: false, now: FIXED_NOW, width: 40 };
  const job: JobRow = {
    id: 'j',
    kind: 'agent',
    title: 'review auth',
    sessionId: 'a',
    childSessionId: 'child',
    status: 'running',
    startedAt: FIXED_NOW - 75_000,
    endedAt: null,
    tokens: 4200,
    cost: null,
    streaming: 0,
    activity: 'reading',
  };

  it('says so when there are no background jobs', () => {
    expect(text(jobsView({ ...input, width: 30 }))).toEqual(['No background jobs']);
  });

  it('shows a job with kind, status, elapsed time, tokens, cost and last activity', () => {
    expect(text(jobsView({ ...input, jobs: [job] }))).toEqual([
      ' ⟳ agent: review auth',
      '   4.2k tok · ? · 1m15s · reading',
    ]);
  });

  it('puts tokens and cost first, so a narrow pane cuts the time and activity, not them', () => {
    const done: JobRow = {
      ...job,
      status: 'finished',
      endedAt: FIXED_NOW - 65_000,
      tokens: 204,
      cost: 0.0013,
    };
    expect(text(jobsView({ ...input, jobs: [done], width: 24 }))).toEqual([
      ' ✓ agent: review auth',
      '   204 tok · $0.0013 · …',
    ]);
  });

  it('counts a running reply as it streams (~), until its usage is reported', () => {
    const streaming: JobRow = { ...job, tokens: 0, streaming: 1200 };
    expect(text(jobsView({ ...input, jobs: [streaming] }))[1]).toBe('   ~300 tok · - · 1m15s · reading');
  });

  it('marks the selected job when the pane has focus, and names an ended status', () => {
    const done: JobRow = { ...job, status: 'cancelled', endedAt: FIXED_NOW - 5_000, cost: 0.01 };
    expect(text(jobsView({ ...input, jobs: [done], cursor: 'j', focused: true, width: 60 }))).toEqual([
      '▶– agent: review auth',
      '   4.2k tok · $0.01 · 1m10s · cancelled · reading',
    ]);
  });

  it('shows each MCP server: connecting, ready with its tools, failed with the reason, needing approval', () => {
    const mcp: McpRow[] = [
      { name: 'fs', status: 'ready', tools: 3, reason: null },
      { name: 'remote', status: 'failed', tools: 0, reason: 'ECONNREFUSED\u001b[31m' },
      { name: 'proj', status: 'needs-approval', tools: 0, reason: null },
      { name: 'slow', status: 'connecting', tools: 0, reason: null },
    ];
    expect(text(jobsView({ ...input, mcp, width: 60 }))).toEqual([
      'No background jobs',
      'MCP servers',
      '● fs ready (3 tools)',
      '✗ remote failed: ECONNREFUSED',
      '? proj needs approval',
      '… slow connecting',
    ]);
  });
});

describe('status bar', () => {
  const base = {
    model: 'test:fake-model',
    projectDir: '/home/dev/proj',
    sessionName: 'auth',
    readOnly: false,
    holder: null,
    detached: false,
    busy: false,
    width: 120,
  };

  it('shows the model, project, session, lock state and key hints from the keymap', () => {
    const line = lineText(statusView(base));
    expect(line).toMatch(
      /^ test:fake-model {2}proj\/auth {2}✎ writable +F1 help {2}Enter send {2}Tab focus {2}Ctrl-N next {2}Ctrl-P prev {2}Esc cancel $/,
    );
    expect(line).toHaveLength(120);
  });

  it('drops hints from the end when narrow, keeping help', () => {
    const line = lineText(statusView({ ...base, width: 70 }));
    expect(line).toContain('F1 help');
    expect(line).not.toContain('Esc cancel');
    expect(line).toHaveLength(70);
  });

  it('names the holder of a read-only session', () => {
    const line = lineText(
      statusView({ ...base, readOnly: true, holder: { pid: 4242, since: '', host: 'box' } }),
    );
    expect(line).toContain('read-only (held by pid 4242@box)');
  });

  it('says when an attached session’s holder went away', () => {
    const line = lineText(
      statusView({ ...base, readOnly: true, detached: true, holder: { pid: 4242, since: '', host: 'box' } }),
    );
    expect(line).toContain('⚠ detached: its holder went away');
    expect(line).not.toContain('writable');
  });
});

describe('/jobs', () => {
  it('lists each job with its status, tokens and cost, a running one included', () => {
    const usage = { input: 900, output: 310, cacheRead: 0, cacheWrite: 0, reasoning: 0 };
    const base = { sessionId: 'a', startedAt: 0, endedAt: null, activity: '' };
    const note = jobsNote([
      { ...base, id: 'j1', kind: 'agent', title: 'gather', status: 'running', usage, cost: 0.0013 },
      {
        ...base,
        id: 'j2',
        kind: 'shell',
        title: 'npm test',
        status: 'finished',
        usage: ZERO_USAGE,
        cost: null,
      },
    ]);
    expect(note).toEqual({
      text: 'Jobs: 2 jobs',
      body: [
        'id  status    tokens     cost  job',
        'j1  running     1.2k  $0.0013  agent: gather',
        'j2  finished       0        -  shell: npm test',
      ],
    });
  });
});
