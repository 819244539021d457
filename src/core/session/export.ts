import { assertNever } from '../errors.js';
import { toJsonText } from '../text/json-text.js';
import type { SessionRecord, SessionSummary } from './types.js';

function formatCost(cost: number | null | undefined): string {
  if (cost === undefined) return '';
  return cost === null ? 'cost unknown' : `$${cost.toFixed(4)}`;
}

function recordToMarkdown(record: SessionRecord): string {
  switch (record.kind) {
    case 'message': {
      const flags = [record.inContext ? '' : 'compacted', record.interrupted === true ? 'interrupted' : '']
        .filter(Boolean)
        .join(', ');
      const heading = `### ${record.role}${record.toolName ? ` (${record.toolName})` : ''}${flags ? ` — ${flags}` : ''}`;
      const calls = (record.toolCalls ?? []).map((c) => `- tool call \`${c.name}\` ${c.arguments}`);
      const files = (record.attachments ?? []).map(
        (a) => `- attached ${a.type} ${a.name} (${a.bytes} bytes, ${a.sha256})`,
      );
      const usage = record.usage
        ? `_${record.model ?? ''} · ${record.usage.input} in / ${record.usage.output} out · ${formatCost(record.cost)}_`
        : '';
      return [heading, '', record.content, ...calls, ...files, usage].filter((l) => l !== '').join('\n');
    }
    case 'compaction':
      return `### summary of earlier messages\n\n${record.summary}`;
    case 'knowledge':
      return record.op === 'add' ? `> ${record.category ?? 'note'}: ${record.text ?? ''}` : '';
    case 'command':
      return record.command === 'model' ? `_model changed to ${record.model}_` : '';
    case 'attachment':
      return `_attached ${record.name}_`;
    default:
      return assertNever(record, 'record');
  }
}

/** A whole session as Markdown for reading, or as JSON for tools. */
export function exportSession(
  summary: SessionSummary,
  records: readonly SessionRecord[],
  format: 'md' | 'json',
): string {
  if (format === 'json') return `${toJsonText({ session: summary, records }, 2)}\n`;
  const header = [
    `# ${summary.name}`,
    '',
    `- project: ${summary.projectDir}`,
    `- model: ${summary.model}`,
    `- messages: ${summary.messageCount}`,
    `- tokens: ${summary.tokens.input} in, ${summary.tokens.output} out`,
    `- cost: ${formatCost(summary.cost)}${summary.costIncomplete ? ' (some requests unknown)' : ''}`,
  ];
  const body = records.map(recordToMarkdown).filter((t) => t !== '');
  return `${[...header, '', ...body].join('\n\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
