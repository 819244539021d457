import { describe, expect, it } from 'vitest';
import { parseSummaryReply, renderSummary } from '../../../src/core/context/summary-format.js';

describe('the summariser reply', () => {
  it('accepts JSON in a code fence, fills what is missing, and drops malformed knowledge', () => {
    const reply = [
      'Here you go:',
      '```json',
      JSON.stringify({
        summary: {
          goal: 'Refactor auth',
          decisions: ['Use JWT', 42],
          nextSteps: ['Write tests'],
          files: 'not a list',
        },
        knowledge: [
          { category: 'decision', text: 'Use JWT' },
          { category: 'opinion', text: 'x' },
          { text: 'no category' },
        ],
      }),
      '```',
    ].join('\n');
    const parsed = parseSummaryReply(reply);
    expect(parsed).toEqual({
      ok: true,
      summary: {
        goal: 'Refactor auth',
        currentTask: '',
        progress: [],
        decisions: ['Use JWT'],
        constraints: [],
        preferences: [],
        findings: [],
        files: [],
        openQuestions: [],
        nextSteps: ['Write tests'],
      },
      knowledge: [{ category: 'decision', text: 'Use JWT' }],
    });
    if (!parsed.ok) return;
    expect(renderSummary(parsed.summary)).toBe(
      '### Goal\nRefactor auth\n\n### Decisions\n- Use JWT\n\n### Next steps\n- Write tests',
    );
  });

  it('finds nothing usable in prose, broken JSON, another shape, or an empty summary', () => {
    expect(parseSummaryReply('I could not summarise this.')).toMatchObject({
      ok: false,
      reason: 'the summary reply held no JSON object',
    });
    expect(parseSummaryReply('{"summary": {"goal": "x"')).toMatchObject({ ok: false });
    expect(parseSummaryReply('{"answer": 42}')).toMatchObject({
      ok: false,
      reason: 'the summary reply did not have the expected shape',
    });
    expect(parseSummaryReply('{"summary": {"goal": "", "progress": []}}')).toMatchObject({
      ok: false,
      reason: 'the summary reply was empty',
    });
  });
});
