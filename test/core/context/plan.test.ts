import { describe, expect, it } from 'vitest';
import { assemble } from '../../../src/core/context/assemble.js';
import { chatMessages } from '../../../src/core/context/chat.js';
import { cutPoints, latestTurnStart, planCompaction } from '../../../src/core/context/plan.js';
import type { MessageRecord, SessionRecord } from '../../../src/core/store/records.js';

/** A deterministic pseudo-random sequence, so a failing case can be replayed. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const at = '2026-01-01T00:00:00.000Z';

/** A session of turns with 0 to 3 parallel tool calls per step and 0 to 2 steps with tools per turn. */
function session(seed: number, turns: number): MessageRecord[] {
  const random = lcg(seed);
  const messages: MessageRecord[] = [];
  const push = (m: Omit<MessageRecord, 'seq' | 'at' | 'kind' | 'inContext'>): void => {
    messages.push({ kind: 'message', seq: messages.length + 1, at, inContext: true, ...m });
  };
  for (let t = 0; t < turns; t += 1) {
    push({ role: 'user', content: `question ${t} ${'words '.repeat(Math.floor(random() * 30))}` });
    const steps = Math.floor(random() * 3);
    for (let s = 0; s < steps; s += 1) {
      const calls = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, c) => ({
        id: `call_${t}_${s}_${c}`,
        name: 'read_file',
        arguments: `{"path":"f${c}.ts"}`,
      }));
      push({ role: 'assistant', content: random() < 0.5 ? '' : 'let me look', toolCalls: calls });
      for (const call of calls)
        push({
          role: 'tool',
          content: 'x'.repeat(Math.floor(random() * 400)),
          toolCallId: call.id,
          toolName: 'read_file',
        });
    }
    push({ role: 'assistant', content: `answer ${t} ${'text '.repeat(Math.floor(random() * 50))}` });
  }
  return messages;
}

const size = (m: MessageRecord): number => m.content.length + 4;

/** Every call in the messages has its result among them, and every result its call. */
function pairingHolds(messages: readonly MessageRecord[]): boolean {
  const calls = new Set(messages.flatMap((m) => (m.toolCalls ?? []).map((c) => c.id)));
  const results = new Set(messages.filter((m) => m.role === 'tool').map((m) => m.toolCallId));
  return (
    [...calls].every((id) => results.has(id)) && [...results].every((id) => id !== undefined && calls.has(id))
  );
}

describe('choosing what to compress', () => {
  it('never separates a tool call from its result, at any budget, in many sessions', async () => {
    let plans = 0;
    for (let seed = 1; seed <= 40; seed += 1) {
      const messages = session(seed, 12);
      const total = messages.reduce((n, m) => n + size(m), 0);
      const limit = latestTurnStart(messages);
      for (let budget = -1; budget <= total; budget += Math.max(1, Math.floor(total / 60))) {
        const plan = planCompaction(messages, size, limit, budget);
        if (plan === null) continue;
        plans += 1;
        const kept = messages.slice(plan.compact.length);
        expect(pairingHolds(plan.compact), `seed ${seed} budget ${budget}: compacted part`).toBe(true);
        expect(pairingHolds(kept), `seed ${seed} budget ${budget}: kept part`).toBe(true);
        expect(plan.compact.length).toBeLessThanOrEqual(limit);
        // What is sent afterwards pairs every call with its result too.
        const compacted: SessionRecord = {
          kind: 'compaction',
          seq: 10_000,
          at,
          summary: 's',
          compactedSeqs: plan.compact.map((m) => m.seq),
          tokensBefore: 0,
          tokensAfter: 0,
          model: 'm',
          usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
          cost: 0,
        };
        const chat = await chatMessages(assemble([...messages, compacted], 'prompt', 25), () =>
          Promise.resolve(''),
        );
        const ids = chat.flatMap((m) =>
          m.role === 'assistant' ? (m.tool_calls ?? []).map((c) => c.id) : [],
        );
        const answered = chat.flatMap((m) => (m.role === 'tool' ? [m.tool_call_id] : []));
        expect(new Set(answered)).toEqual(new Set(ids));
      }
    }
    expect(plans).toBeGreaterThan(1000);
  });

  it('takes the fewest oldest messages that bring the rest under the budget', () => {
    const messages = session(7, 10);
    const limit = latestTurnStart(messages);
    const sizes = messages.map(size);
    const keptAfter = (cut: number): number => sizes.slice(cut).reduce((a, b) => a + b, 0);
    const points = cutPoints(messages).filter((p) => p > 0 && p <= limit);
    const middle = points[Math.floor(points.length / 2)] ?? 1;
    const plan = planCompaction(messages, size, limit, keptAfter(middle));
    expect(plan?.compact.length).toBe(middle);
    expect(plan?.keptTokens).toBe(keptAfter(middle));
  });

  it('keeps the latest user turn and everything after it, even over budget', () => {
    const messages = session(3, 6);
    const limit = latestTurnStart(messages);
    expect(messages[limit]?.role).toBe('user');
    const plan = planCompaction(messages, size, limit, 0);
    expect(plan?.compact.length).toBe(limit);
    expect(planCompaction(messages.slice(limit), size, 0, 0)).toBeNull();
  });
});
