import { assertNever } from '../errors.js';
import { formatCost, toJsonText } from '../text/index.js';
import { knownTokens, type FinishReason, type SessionRecord, type SessionSummary } from '../store/index.js';

/** A session's total: known, partly known, unknown, or nothing spent yet. */
function summaryCost({ cost, costIncomplete }: SessionSummary): string {
  if (cost === null) return costIncomplete ? 'cost unknown' : 'no requests yet';
  return costIncomplete ? `${formatCost(cost)} (some requests unknown)` : formatCost(cost);
}

function costText(cost: number | null | undefined): string {
  if (cost === undefined) return '';
  return cost === null ? 'cost unknown' : formatCost(cost);
}

/** The finish reasons after which a reply is not whole, as the export says them. */
const FINISH_NOTES: Readonly<Record<FinishReason, string>> = {
  stop: '',
  tool_calls: '',
  length: '_cut off at the output limit (finish reason length)_',
  content_filter: "_stopped by the provider's content filter (finish reason content_filter)_",
  error: '_ended by an error_',
};

/** Collapsed in renderers that know <details>; plainly marked as reasoning everywhere else. */
function reasoningBlock(reasoning: string): string {
  return ['<details><summary>Reasoning</summary>', '', reasoning, '', '</details>', ''].join('\n');
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
        ? `_${record.model ?? ''} · ${record.usage.input} in / ${record.usage.output} out · ${costText(record.cost)}_`
        : record.usage === null
          ? `_${record.model ?? ''} · usage unknown · ${costText(record.cost)}_`
          : '';
      const reasoning = (record.reasoning ?? '') === '' ? '' : reasoningBlock(record.reasoning ?? '');
      const finish = FINISH_NOTES[record.finishReason ?? 'stop'];
      return [heading, '', reasoning, record.content, ...calls, ...files, finish, usage]
        .filter((l) => l !== '')
        .join('\n');
    }
    case 'compaction':
      if (record.failed !== undefined) return `_compression failed: ${record.failed}_`;
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
    `- tokens: ${exportTokens(summary)}`,
    `- cost: ${summaryCost(summary)}`,
  ];
  const body = records.map(recordToMarkdown).filter((t) => t !== '');
  return `${[...header, '', ...body].join('\n\n').replace(/\n{3,}/g, '\n\n')}\n`;
}

function exportTokens(summary: SessionSummary): string {
  const tokens = knownTokens(summary);
  if (tokens === null) return 'unknown (no request reported usage)';
  return `${tokens.input} in, ${tokens.output} out${summary.tokensIncomplete === true ? ' (some requests reported no usage)' : ''}`;
}
