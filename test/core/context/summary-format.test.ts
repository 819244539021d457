import { describe, expect, it } from 'vitest';
import { parseSummaryReply, renderSummary } from '../../../src/core/context/summary-format.js';
import { closeTruncated, findJsonObject } from '../../../src/core/context/summary-json.js';
import { knowledgeFromMessages, knowledgeFromProse } from '../../../src/core/context/prose-knowledge.js';

const MAX = 20_000;

const reply = {
  summary: {
    goal: 'Refactor auth',
    decisions: ['Use JWT', 42],
    nextSteps: ['Write tests'],
    files: 'not a list',
  },
  knowledge: [
    { category: 'decision', text: 'Use JWT for sessions' },
    { category: 'opinion', text: 'x' },
    { text: 'no category' },
  ],
};

describe('the summariser reply', () => {
  it('accepts JSON in a code fence, fills what is missing, and drops malformed knowledge', () => {
    const fenced = ['Here you go:', '```json', JSON.stringify(reply), '```'].join('\n');
    expect(parseSummaryReply(fenced, MAX)).toEqual({
      ok: true,
      form: 'structured',
      text: '### Goal\nRefactor auth\n\n### Decisions\n- Use JWT\n\n### Next steps\n- Write tests',
      knowledge: [{ category: 'decision', text: 'Use JWT for sessions' }],
    });
  });

  it('finds the object in prose that has braces of its own before and after it', () => {
    const wrapped = `Sure! I kept {the braces} out. ${JSON.stringify(reply)} Let me know {if} more is needed.`;
    expect(parseSummaryReply(wrapped, MAX)).toMatchObject({ ok: true, form: 'structured' });
    expect(findJsonObject('{"a": "}"} and {"b": 2}')).toEqual({ a: '}' });
  });

  it('closes a reply cut off at the token limit at its last complete value', () => {
    const whole = JSON.stringify({
      summary: { goal: 'Ship it', decisions: ['Keep files plain', 'No database'] },
      knowledge: [{ category: 'constraint', text: 'Never more than 10 files per reply' }],
    });
    const cut = whole.slice(0, whole.indexOf('Never more') + 5);
    expect(closeTruncated(cut)).toEqual({
      summary: { goal: 'Ship it', decisions: ['Keep files plain', 'No database'] },
      knowledge: [{ category: 'constraint', text: 'Never' }],
    });
    const mid = whole.slice(0, whole.indexOf('No data'));
    expect(closeTruncated(mid)).toEqual({
      summary: { goal: 'Ship it', decisions: ['Keep files plain', ''] },
    });
    expect(parseSummaryReply(`Summary:\n${mid}`, MAX)).toMatchObject({
      ok: true,
      form: 'structured',
      text: '### Goal\nShip it\n\n### Decisions\n- Keep files plain',
    });
  });

  it('takes lists of decisions and constraints as knowledge when the knowledge list is empty', () => {
    const parsed = parseSummaryReply(
      JSON.stringify({ summary: { goal: 'x', decisions: ['Use JWT'], constraints: ['No network access'] } }),
      MAX,
    );
    expect(parsed).toMatchObject({
      knowledge: [
        { category: 'decision', text: 'Use JWT' },
        { category: 'constraint', text: 'No network access' },
      ],
    });
  });

  it('uses prose as the summary, with the decisions and constraints found in it as knowledge', () => {
    const prose = [
      'Here is a summary of the conversation so far.',
      '',
      'The developer and the assistant worked on the session store and its file format, then on the',
      'command line. Several choices were made along the way.',
      '',
      '**Key decisions:**',
      '1. Keep the sessions of project 5 in plain files, never in a database.',
      '2. Use NeDB lines for the format.',
      '',
      'Constraints:',
      '- No reply may name more than 11 files.',
      '',
      'Next they will look at the watcher.',
    ].join('\n');
    const parsed = parseSummaryReply(prose, MAX);
    expect(parsed).toEqual({
      ok: true,
      form: 'prose',
      text: prose,
      knowledge: [
        { category: 'decision', text: 'Keep the sessions of project 5 in plain files, never in a database.' },
        { category: 'decision', text: 'Use NeDB lines for the format.' },
        { category: 'constraint', text: 'No reply may name more than 11 files.' },
      ],
    });
  });

  it('reads a JSON summary that is a string as prose', () => {
    const parsed = parseSummaryReply(
      JSON.stringify({
        summary:
          'We decided to keep every session in its own file. The build must never need the network. The rest of the time went into tests.',
      }),
      MAX,
    );
    expect(parsed).toMatchObject({
      ok: true,
      form: 'prose',
      knowledge: [
        { category: 'decision', text: 'We decided to keep every session in its own file.' },
        { category: 'constraint', text: 'The build must never need the network.' },
      ],
    });
  });

  it('cuts a rambling summary to its budget at a line end', () => {
    const long = Array.from({ length: 200 }, (_, i) => `Line ${i} of a summary that goes on and on.`).join(
      '\n',
    );
    const parsed = parseSummaryReply(long, 1000);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.text.length).toBeLessThanOrEqual(1000 + 40);
    expect(parsed.text.endsWith('[… summary cut to its budget …]')).toBe(true);
    expect(
      parsed.text
        .split('\n')
        .slice(0, -1)
        .every((l) => /^Line \d+ of a summary/.test(l)),
    ).toBe(true);
  });

  it('finds nothing usable in an empty reply, an empty template, a refusal, or a few words', () => {
    expect(parseSummaryReply('', MAX)).toEqual({ ok: false, reason: 'the summary reply was empty' });
    expect(parseSummaryReply('```\n```', MAX)).toEqual({ ok: false, reason: 'the summary reply was empty' });
    expect(parseSummaryReply('{"summary": {"goal": "", "progress": []}, "knowledge": []}', MAX)).toEqual({
      ok: false,
      reason: 'the summary reply was empty',
    });
    expect(parseSummaryReply('Sorry, I cannot summarise that.', MAX)).toEqual({
      ok: false,
      reason: 'the summary reply held no summary ("Sorry, I cannot summarise that.")',
    });
    expect(
      parseSummaryReply(
        "I'm sorry, but I can't help with summarising this conversation because it contains content I was asked not to repeat here.",
        MAX,
      ),
    ).toMatchObject({ ok: false });
    expect(parseSummaryReply('{"answer": 42}', MAX)).toMatchObject({
      ok: false,
      reason: 'the summary reply held no summary ("{"answer": 42}")',
    });
    expect(parseSummaryReply('\u001b[31mok\u001b[0m', MAX)).toMatchObject({ ok: false });
  });

  it('renders the structured summary as markdown, one heading per section that has something', () => {
    expect(
      renderSummary({
        goal: 'g',
        currentTask: '',
        progress: ['p1', 'p2'],
        decisions: [],
        constraints: ['c'],
        preferences: [],
        findings: [],
        files: [],
        openQuestions: [],
        nextSteps: [],
      }),
    ).toBe('### Goal\ng\n\n### Progress\n- p1\n- p2\n\n### Constraints\n- c');
  });
});

describe('knowledge in free text', () => {
  it('reads labelled lines, headed lists under mixed headings, and leaves other lists alone', () => {
    const text = [
      '## Progress',
      '- Wrote the parser for the store',
      '## Decisions and constraints',
      '- Use the NeDB line format for sessions',
      '- Requests must never exceed the window of the model',
      '',
      '- **Preference** – answers in short British English sentences',
      'Finding: the index rebuild takes twelve seconds',
      'Next steps:',
      '- Write the watcher',
    ].join('\n');
    expect(knowledgeFromProse(text)).toEqual([
      { category: 'decision', text: 'Use the NeDB line format for sessions' },
      { category: 'constraint', text: 'Requests must never exceed the window of the model' },
      { category: 'preference', text: 'answers in short British English sentences' },
      { category: 'finding', text: 'the index rebuild takes twelve seconds' },
    ]);
  });

  it('takes only explicit statements from the developer’s messages, the newest when there are many', () => {
    const found = knowledgeFromMessages([
      'We must fix this today, it never worked.',
      'Decision: keep the sessions in plain files',
      ...Array.from({ length: 30 }, (_, i) => `Constraint: no reply may name more than ${i} files`),
    ]);
    expect(found).toHaveLength(24);
    expect(found.at(-1)).toEqual({ category: 'constraint', text: 'no reply may name more than 29 files' });
    expect(found.some((e) => e.text.includes('fix this today'))).toBe(false);
  });
});
