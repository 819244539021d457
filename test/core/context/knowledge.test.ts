import { describe, expect, it } from 'vitest';
import {
  freshKnowledge,
  knowledgeEntries,
  knowledgeRecords,
  renderKnowledge,
} from '../../../src/core/context/knowledge.js';
import type { KnowledgeRecord, SessionRecord } from '../../../src/core/store/records.js';

let seq = 0;
function k(op: KnowledgeRecord['op'], entryId: string, text?: string): KnowledgeRecord {
  seq += 1;
  return {
    kind: 'knowledge',
    seq,
    at: '',
    op,
    entryId,
    ...(text === undefined ? {} : { category: 'decision', text }),
  };
}

describe('knowledge entries', () => {
  it('replays adds, pins, unpins and forgets in order', () => {
    const records: SessionRecord[] = [
      k('add', 'K1', 'use pg'),
      k('add', 'K2', 'no ORM'),
      k('pin', 'K1'),
      k('forget', 'K2'),
      k('add', 'K3', 'tabs'),
      k('pin', 'K3'),
      k('unpin', 'K3'),
    ];
    expect(knowledgeEntries(records, 25).map((e) => [e.id, e.pinned, e.retained])).toEqual([
      ['K1', true, true],
      ['K3', false, true],
    ]);
  });

  it('keeps the newest unpinned entries under the retention, and pinned ones beyond it', () => {
    const records: SessionRecord[] = [
      k('add', 'K1', 'a'),
      k('add', 'K2', 'b'),
      k('add', 'K3', 'c'),
      k('add', 'K4', 'd'),
      k('pin', 'K1'),
    ];
    const entries = knowledgeEntries(records, 2);
    expect(entries.filter((e) => e.retained).map((e) => e.id)).toEqual(['K1', 'K4']);
    expect(
      knowledgeEntries(records, 0)
        .filter((e) => e.retained)
        .map((e) => e.id),
    ).toEqual(['K1']);
    expect(renderKnowledge(entries)).toBe(
      ['## Knowledge carried from earlier in this session', '- [decision] a (pinned)', '- [decision] d'].join(
        '\n',
      ),
    );
  });

  it('drops what is already known, ignoring case, punctuation and spacing, and numbers new ids on', () => {
    const records: SessionRecord[] = [
      k('add', 'K1', 'Use PostgreSQL 16 for sessions.'),
      k('add', 'K2', 'never use an ORM'),
    ];
    const known = knowledgeEntries(records, 25);
    const fresh = freshKnowledge(
      [
        { category: 'decision', text: 'use postgresql 16  for sessions' },
        { category: 'constraint', text: 'Never use an ORM!' },
        { category: 'constraint', text: 'an ORM' },
        { category: 'preference', text: 'Tabs, not spaces' },
        { category: 'preference', text: 'tabs not spaces' },
      ],
      known,
    );
    expect(fresh).toEqual([{ category: 'preference', text: 'Tabs, not spaces' }]);
    expect(knowledgeRecords(records, fresh)).toEqual([
      { kind: 'knowledge', op: 'add', entryId: 'K3', category: 'preference', text: 'Tabs, not spaces' },
    ]);
  });
});
