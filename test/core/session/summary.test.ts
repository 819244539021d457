import { describe, expect, it } from 'vitest';
import { indexSummary } from '../../../src/core/session/summary.js';
import type { SessionRecord } from '../../../src/core/store/records.js';

const message = (seq: number, role: 'user' | 'assistant', content: string): SessionRecord => ({
  seq,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  kind: 'message',
  role,
  content,
  inContext: true,
});

describe('the title and preview a session is listed with', () => {
  it('titles it with the first user message that shows text, and previews the last one said', () => {
    const summary = indexSummary('s_x', [
      message(1, 'user', '   '),
      message(2, 'user', `first \u001b[31mline\nsecond line`),
      message(3, 'assistant', 'an answer'),
      message(4, 'user', 'a question'),
      // A reply that only calls tools says nothing: the question stays the preview.
      message(5, 'assistant', ''),
    ]);
    expect(summary.title).toBe('first line second line');
    expect(summary.lastPreview).toBe('a question');
    expect(summary.messageCount).toBe(5);
  });

  it('clips the preview of a long reply to one sanitised line of 120 characters', () => {
    const long = `${'word '.repeat(100)}\u001b]0;title\u0007end`;
    const summary = indexSummary('s_x', [message(1, 'user', 'q'), message(2, 'assistant', long)]);
    expect(summary.lastPreview).toHaveLength(120);
    expect(summary.lastPreview.endsWith('…')).toBe(true);
    expect([...summary.lastPreview].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
  });

  it('keeps the preview of the records before when the later ones say nothing', () => {
    const before = indexSummary('s_x', [message(1, 'user', 'hello')]);
    const after = indexSummary('s_x', [message(1, 'user', 'hello'), message(2, 'assistant', '')]);
    expect(after.lastPreview).toBe(before.lastPreview);
  });
});
