/** Record builders for view-model tests. */
import type { CatchUp } from '../../../src/core/api.js';
import type { MessageRecord, SessionRecord } from '../../../src/core/store/records.js';
import type { WindowInput } from '../../../src/tui/view/conversation-window.js';

let seq = 0;

export function msg(
  role: MessageRecord['role'],
  content: string,
  extra: Partial<MessageRecord> = {},
): MessageRecord {
  seq += 1;
  return { kind: 'message', seq, at: '2025-06-01T11:00:00Z', role, content, inContext: true, ...extra };
}

/** A long history of alternating questions and answers (for virtualisation and benchmarks). */
export function history(count: number): SessionRecord[] {
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0
      ? msg('user', `Question ${i}: how does part ${i} work?`)
      : msg(
          'assistant',
          `Answer ${i}.\n\n- point **one** about ${i}\n- point two\n\n\`\`\`ts\nconst v${i} = ${i};\n\`\`\``,
          { model: 'test:fake-model' },
        ),
  );
}

/** A catch-up of project /p in which nothing happened, with `news` laid over it. */
export function catchUpWith(news: Partial<CatchUp> = {}): CatchUp {
  return {
    since: '2025-06-01T11:00:00Z',
    projectDir: '/p',
    dirMissing: false,
    commits: [],
    commitCount: 0,
    filesChanged: [],
    filesChangedCount: 0,
    readFilesChanged: [],
    problem: null,
    replyCutOff: false,
    ...news,
  };
}

/** What the conversation window is asked to draw: nothing, 60x10 at the bottom, unless said. */
export function windowInput(over: Partial<WindowInput>): WindowInput {
  return {
    items: [],
    live: null,
    width: 60,
    height: 10,
    scroll: 0,
    expanded: new Set(),
    selected: null,
    busy: false,
    costs: false,
    ...over,
  };
}
