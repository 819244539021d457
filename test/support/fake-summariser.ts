/**
 * The scripted provider playing a summariser, in the ways real models answer the summary request:
 * the JSON asked for, the JSON in a code fence with chatter around it, prose (as local and weaker
 * models often do), nothing useful at all, or an HTTP 400 for `response_format` (servers that do not
 * know the field). It reads what the request holds, as a model would: the transcript lines
 * (`[#12 user] ...`) or the part summaries it is asked to fold.
 */
import { COMPRESSION_INSTRUCTIONS, PARTS_HEADING, TRANSCRIPT_HEADING } from '../../src/core/context/index.js';
import type { FakeAnswer, FakeReply, FakeRequest } from './fake-provider-types.js';

export type SummariserMode = 'json' | 'fenced' | 'prose' | 'loose' | 'useless' | 'empty' | 'rejects-format';

/** A line the developer wrote that states a decision or a constraint: what every compression must keep. */
export const STATED_LINE = /^(Decision|Constraint): (.+)$/;

interface WireMessage {
  role: string;
  content: unknown;
}

function messages(request: FakeRequest): WireMessage[] {
  return (request.body.messages ?? []) as WireMessage[];
}

export function isSummaryRequest(request: FakeRequest): boolean {
  const first = messages(request)[0];
  return first?.role === 'system' && first.content === COMPRESSION_INSTRUCTIONS;
}

/** What the summary request shows the model. */
export interface SummaryAsk {
  /** The user text of the request. */
  text: string;
  /** `[#seq role] content` lines of the transcript (none in a fold). */
  lines: Array<{ seq: number; role: string; content: string }>;
  /** The part summaries of a fold (none in a transcript request). */
  parts: string[];
}

export function readAsk(request: FakeRequest): SummaryAsk {
  const user = messages(request)[1];
  const text = typeof user?.content === 'string' ? user.content : '';
  const transcriptAt = text.indexOf(TRANSCRIPT_HEADING);
  const partsAt = text.indexOf(PARTS_HEADING);
  const lines =
    transcriptAt === -1
      ? []
      : [...text.slice(transcriptAt).matchAll(/^\[#(\d+) ([a-z_ ]+)\] (.*)$/gm)].map((m) => ({
          seq: Number(m[1]),
          role: m[2] ?? '',
          content: m[3] ?? '',
        }));
  const parts =
    partsAt === -1
      ? []
      : text
          .slice(partsAt + PARTS_HEADING.length)
          .split(/^\[part \d+\]$/m)
          .map((p) => p.trim())
          .filter(Boolean);
  return { text, lines, parts };
}

/** The decisions and constraints stated in the transcript, in order, as the developer wrote them. */
export function statedIn(
  ask: SummaryAsk,
): Array<{ category: 'decision' | 'constraint'; line: string; statement: string }> {
  return ask.lines
    .filter((l) => l.role === 'user')
    .flatMap((l) => {
      const match = STATED_LINE.exec(l.content);
      if (match === null) return [];
      const category = match[1] === 'Decision' ? ('decision' as const) : ('constraint' as const);
      return [{ category, line: l.content, statement: match[2] ?? '' }];
    });
}

function seqRange(ask: SummaryAsk): string {
  const seqs = ask.lines.map((l) => l.seq);
  return seqs.length === 0 ? 'the earlier parts' : `messages #${Math.min(...seqs)} to #${Math.max(...seqs)}`;
}

/** A careful model: knowledge entries quoted exactly, a summary that does not repeat them. */
function jsonText(ask: SummaryAsk): string {
  const knowledge = statedIn(ask).map((s) => ({ category: s.category, text: s.line }));
  const summary = {
    goal: 'Build the session store',
    progress: [
      ask.parts.length > 0 ? `Folded ${ask.parts.length} part summaries.` : `Went through ${seqRange(ask)}.`,
    ],
    nextSteps: ['Carry on with the next question.'],
  };
  return JSON.stringify({ summary, knowledge });
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A model that ignores the JSON it was asked for and writes the summary as prose, listing the
 * decisions and constraints of this transcript in its own words (the label dropped, capitalised,
 * ended with a full stop), and forgetting what the previous summary said. Folding parts, it keeps
 * the listed items of every part.
 */
function proseText(ask: SummaryAsk): string {
  const stated = statedIn(ask).map((s) => ({ ...s, said: `${capitalised(s.statement)}.` }));
  const fromParts = (heading: string): string[] =>
    ask.parts.flatMap((part) => {
      const at = part.indexOf(heading);
      if (at === -1) return [];
      const block = part.slice(at + heading.length).split('\n\n')[0] ?? '';
      return block
        .split('\n')
        .filter((l) => l.startsWith('- '))
        .map((l) => l.slice(2));
    });
  const decisions = [
    ...fromParts('Key decisions:'),
    ...stated.filter((s) => s.category === 'decision').map((s) => s.said),
  ];
  const constraints = [
    ...fromParts('Constraints to respect:'),
    ...stated.filter((s) => s.category === 'constraint').map((s) => s.said),
  ];
  const opening =
    ask.parts.length > 0
      ? `Here is one summary of the ${ask.parts.length} parts. The developer and the assistant kept working on the session store through all of them, one question at a time.`
      : `Here is a summary of the conversation so far. The developer and the assistant worked on the session store in ${seqRange(ask)}, answering ${ask.lines.filter((l) => l.role === 'user').length} questions along the way.`;
  return [
    opening,
    ...(decisions.length === 0 ? [] : [`Key decisions:\n${decisions.map((d) => `- ${d}`).join('\n')}`]),
    ...(constraints.length === 0
      ? []
      : [`Constraints to respect:\n${constraints.map((c) => `- ${c}`).join('\n')}`]),
    'The work continues with the next question.',
  ].join('\n\n');
}

/**
 * A weak local model: chatty prose in its own sentences, no headings, no labels. It mentions only
 * every other decision ("They decided to ..."), puts the constraints in words no pattern knows ("The
 * developer pointed out that ..."), and folding parts keeps only each part's first sentence: what
 * survives must come from octo, not from the model.
 */
function looseText(ask: SummaryAsk): string {
  const stated = statedIn(ask);
  const sentences = stated.flatMap((s, i) => {
    if (s.category === 'decision') return i % 2 === 0 ? [`They decided to ${s.statement}.`] : [];
    return [`The developer pointed out that ${s.statement}.`];
  });
  const opening =
    ask.parts.length > 0
      ? `Sure! Putting the ${ask.parts.length} parts together: ${ask.parts.map((p) => p.split(/(?<=\.)\s/)[0] ?? '').join(' ')}`
      : `Sure! Here is a quick summary of the conversation so far. The developer and the assistant talked about the session store in ${seqRange(ask)}, going through the questions one at a time.`;
  return [opening, ...sentences, 'Let me know if you want more detail on any of this!'].join(' ');
}

function replyText(mode: SummariserMode, ask: SummaryAsk): string {
  switch (mode) {
    case 'json':
      return jsonText(ask);
    case 'fenced':
      return `Sure — here is the summary as JSON:\n\n\`\`\`json\n${jsonText(ask)}\n\`\`\`\n\nLet me know if you need anything else.`;
    case 'prose':
    case 'rejects-format':
      return proseText(ask);
    case 'loose':
      return looseText(ask);
    case 'useless':
      return "I'm sorry, but I can't help with that.";
    case 'empty':
      return '';
  }
}

/** The summariser's answer to a summary request, in `mode`. */
export function summariserAnswer(mode: SummariserMode, request: FakeRequest): FakeAnswer {
  if (mode === 'rejects-format' && request.body.response_format !== undefined) {
    return {
      status: 400,
      body: { error: { message: 'Unrecognized request argument supplied: response_format' } },
    };
  }
  const ask = readAsk(request);
  const text = replyText(mode, ask);
  const reply: FakeReply = {
    text,
    usage: { prompt: Math.ceil(ask.text.length / 4), completion: Math.max(1, Math.ceil(text.length / 4)) },
  };
  return reply;
}
