/** `octo sessions show`: every record of a session, readable on a terminal or as JSON. */
import path from 'node:path';
import { assertNever } from '../../core/errors.js';
import type { AttachmentRef, MessageRecord, SessionRecord, SessionSummary } from '../../core/api.js';
import { knownTokens } from '../../core/store/records.js';
import { sanitizeLine, sanitizeText } from '../../core/text/index.js';
import { describeUsage, formatCost, sessionCost } from './values.js';

/** Where the store keeps an attachment (docs/architecture.md "Data"): sessions/<id>/media/<sha256>.<ext>. */
export function mediaFile(
  dataDir: string,
  sessionId: string,
  ref: Pick<AttachmentRef, 'sha256' | 'ext'>,
): string {
  return path.join(dataDir, 'sessions', sessionId, 'media', `${ref.sha256}.${ref.ext}`);
}

type WithPath<T> = T & { path: string };

/** The records as stored, with each attachment's media path added. */
export function historyJson(
  dataDir: string,
  summary: SessionSummary,
  records: readonly SessionRecord[],
): unknown {
  const withPath = <T extends AttachmentRef>(ref: T): WithPath<T> => ({
    ...ref,
    path: mediaFile(dataDir, summary.id, ref),
  });
  return {
    session: summary,
    records: records.map((record) => {
      if (record.kind === 'attachment') return withPath(record);
      if (record.kind === 'message' && record.attachments)
        return { ...record, attachments: record.attachments.map(withPath) };
      return record;
    }),
  };
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function messageLines(record: MessageRecord, dataDir: string, sessionId: string): string[] {
  const flags = [
    record.inContext ? '' : 'compacted',
    record.interrupted === true ? 'interrupted' : '',
    record.synthetic === true ? 'synthetic' : '',
  ].filter((f) => f !== '');
  const who =
    record.role === 'tool' ? `tool ${record.toolName ?? ''} (${record.toolCallId ?? ''})` : record.role;
  const facts = [
    record.model ?? '',
    record.usage ? describeUsage(record.usage) : record.usage === null ? 'usage unknown' : '',
    record.cost !== undefined ? formatCost(record.cost) : '',
    finishNote(record),
    ...flags,
  ].filter((f) => f !== '');
  const lines = [
    `#${record.seq} ${sanitizeLine(who)}${facts.length > 0 ? ` · ${sanitizeLine(facts.join(' · '))}` : ''}`,
  ];
  // Marked so that it never reads as the answer: a tag line, then the thought indented once more.
  if ((record.reasoning ?? '') !== '')
    lines.push(indent('[reasoning]'), indent(indent(sanitizeText(record.reasoning ?? ''))));
  if (record.content !== '') lines.push(indent(sanitizeText(record.content)));
  for (const call of record.toolCalls ?? []) {
    lines.push(
      indent(`→ ${sanitizeLine(call.name)} ${sanitizeLine(call.arguments)} (${sanitizeLine(call.id)})`),
    );
  }
  for (const ref of record.attachments ?? []) lines.push(indent(attachmentLine(ref, dataDir, sessionId)));
  return lines;
}

/** The finish reasons worth a word: the ones after which the reply is not whole. */
export function finishNote(record: Pick<MessageRecord, 'finishReason' | 'providerFinishReason'>): string {
  const said = record.providerFinishReason === undefined ? '' : ` (${record.providerFinishReason})`;
  switch (record.finishReason) {
    case 'length':
      return `cut off at the output limit${said}`;
    case 'content_filter':
      return `stopped by the content filter${said}`;
    case 'error':
      return `ended by an error${said}`;
    case 'stop':
    case 'tool_calls':
    case undefined:
      return '';
    default:
      return assertNever(record.finishReason, 'finish reason');
  }
}

function attachmentLine(ref: AttachmentRef, dataDir: string, sessionId: string): string {
  return `attached ${ref.type} ${sanitizeLine(ref.name)} (${ref.bytes} bytes) at ${mediaFile(dataDir, sessionId, ref)}`;
}

function recordLines(record: SessionRecord, dataDir: string, sessionId: string): string[] {
  switch (record.kind) {
    case 'message':
      return messageLines(record, dataDir, sessionId);
    case 'compaction':
      if (record.failed !== undefined)
        return [
          `#${record.seq} compression failed at ${record.tokensBefore} tokens: ${sanitizeLine(record.failed)} · ${formatCost(record.cost)}`,
        ];
      return [
        `#${record.seq} summary of ${record.compactedSeqs.length} earlier messages${record.undone === true ? ' (undone)' : ''} · ${record.tokensBefore} → ${record.tokensAfter} tokens · ${formatCost(record.cost)}`,
        indent(sanitizeText(record.summary)),
      ];
    case 'knowledge':
      return [
        `#${record.seq} knowledge ${record.op} ${sanitizeLine(record.category ?? '')} ${sanitizeLine(record.text ?? record.entryId)}`.trimEnd(),
      ];
    case 'command':
      return [`#${record.seq} ${commandLine(record)}`];
    case 'attachment':
      return [`#${record.seq} ${attachmentLine(record, dataDir, sessionId)}`];
    default:
      return assertNever(record, 'record');
  }
}

function commandLine(record: Extract<SessionRecord, { kind: 'command' }>): string {
  switch (record.command) {
    case 'create':
      return `created as ${sanitizeLine(record.name)} with ${sanitizeLine(record.model)}`;
    case 'model':
      return `model changed from ${sanitizeLine(record.previous)} to ${sanitizeLine(record.model)}`;
    case 'rename':
      return `renamed from ${sanitizeLine(record.previous)} to ${sanitizeLine(record.name)}`;
    case 'trash':
      return 'moved to the trash';
    case 'restore':
      return 'restored from the trash';
    default:
      return assertNever(record, 'command');
  }
}

export function historyText(
  dataDir: string,
  summary: SessionSummary,
  records: readonly SessionRecord[],
): string {
  const header = [
    `${sanitizeLine(summary.name)}${summary.trashedAt !== null ? ' (in the trash)' : ''}`,
    `  project   ${sanitizeLine(summary.projectDir)}`,
    `  model     ${sanitizeLine(summary.model)}`,
    `  created   ${summary.createdAt}`,
    `  updated   ${summary.updatedAt}`,
    `  messages  ${summary.messageCount}`,
    `  tokens    ${sessionTokens(summary)}`,
    `  cost      ${sessionCost(summary)}`,
  ];
  const body = records.flatMap((record) => ['', ...recordLines(record, dataDir, summary.id)]);
  return `${[...header, ...body].join('\n')}\n`;
}

/** "1200 in / 300 out", with a note when some request reported no usage; "usage unknown" when none did. */
function sessionTokens(summary: SessionSummary): string {
  const tokens = knownTokens(summary);
  if (tokens === null) return 'usage unknown (no request reported usage)';
  return `${describeUsage(tokens)}${summary.tokensIncomplete === true ? ' (some requests reported no usage)' : ''}`;
}
