import { describe, expect, it } from 'vitest';
import type { MessageRecord, SessionSummary } from '../../src/core/api.js';
import { costFrame, newTally, recordFrames, tallyRecord } from '../../src/server/frames.js';
import { usage } from '../support/seed-session.js';

function message(fields: Partial<MessageRecord> & Pick<MessageRecord, 'role' | 'seq'>): MessageRecord {
  return { kind: 'message', at: '2026-01-01T00:00:00.000Z', content: '', inContext: true, ...fields };
}

const summary = { tokens: usage(900, 100), cost: 0.5 } as SessionSummary;

describe('recordFrames', () => {
  it('turns a reply into its reasoning and its text, and leaves notices out', () => {
    const reply = message({
      seq: 2,
      role: 'assistant',
      content: 'Done.',
      reasoning: 'Think.',
      interrupted: true,
    });
    expect(recordFrames(reply, 's', () => undefined)).toEqual([
      { type: 'thinking', session_id: 's', content: 'Think.' },
      { type: 'assistant', session_id: 's', content: 'Done.', interrupted: true },
    ]);
    expect(
      recordFrames(message({ seq: 3, role: 'system', content: 'files changed' }), 's', () => true),
    ).toEqual([]);
  });

  it('marks a tool result failed from the event, else from a synthetic or error result', () => {
    const result = (fields: Partial<MessageRecord>) =>
      recordFrames(
        message({ seq: 4, role: 'tool', toolCallId: 'c1', toolName: 'read_file', ...fields }),
        's',
        () => undefined,
      )[0];
    expect(result({ content: 'text' })).toMatchObject({ type: 'tool_result', tool_id: 'c1', success: true });
    expect(result({ content: 'Error: no such file' })).toMatchObject({ success: false });
    expect(result({ content: 'interrupted', synthetic: true })).toMatchObject({ success: false });
    const told = recordFrames(
      message({ seq: 5, role: 'tool', toolCallId: 'c2', content: 'Error: x' }),
      's',
      () => true,
    );
    expect(told[0]).toMatchObject({ success: true });
  });
});

describe('the cost frame that ends a turn', () => {
  it("adds up the turn's replies and the session's totals", () => {
    let tally = newTally('t1');
    tally = tallyRecord(tally, message({ seq: 1, role: 'user', content: 'hi' }));
    tally = tallyRecord(tally, message({ seq: 2, role: 'assistant', usage: usage(20, 3), cost: 0.01 }));
    tally = tallyRecord(tally, message({ seq: 3, role: 'tool', content: 'ok', toolCallId: 'c' }));
    tally = tallyRecord(tally, message({ seq: 4, role: 'assistant', usage: usage(30, 4), cost: 0.02 }));
    expect(costFrame('s', summary, { ...tally, finishReason: 'stop' }, 'finished')).toEqual({
      type: 'cost',
      session_id: 's',
      session_tokens: 1000,
      session_cost: 0.5,
      input_tokens: 50,
      output_tokens: 7,
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      reasoning_tokens: 0,
      turn_status: 'finished',
      turn_cost: 0.03,
      requests: 2,
      usage_complete: true,
      finish_reason: 'stop',
    });
  });

  it('says when a request reported no usage instead of passing zeros off as the truth', () => {
    const cut = message({
      seq: 2,
      role: 'assistant',
      content: 'A long',
      usage: null,
      cost: null,
      interrupted: true,
    });
    const frame = costFrame('s', summary, tallyRecord(newTally('t2'), cut), 'interrupted');
    expect(frame).toMatchObject({ requests: 1, usage_complete: false, turn_cost: null, input_tokens: 0 });
  });

  it('counts no request for a turn stopped before its model call', () => {
    const frame = costFrame('s', summary, newTally('t3'), 'interrupted');
    expect(frame).toMatchObject({ requests: 0, usage_complete: true, turn_cost: 0, finish_reason: null });
  });
});
