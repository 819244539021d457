import type { Tool as SdkTool } from '@modelcontextprotocol/sdk/types.js';
import { formatBytes, sanitizeText } from '../text/index.js';
import type { ToolResult } from '../tools/index.js';
import type { RemoteTool } from './types.js';

/** Descriptions come from a program we did not write: long ones are cut. */
const MAX_DESCRIPTION_CHARS = 1024;
/** An argument schema beyond this is replaced by a bare object schema rather than flood the request. */
const MAX_SCHEMA_CHARS = 20_000;

/** Sanitises every string inside a JSON value (descriptions, titles, enum labels). */
function sanitizeDeep(value: unknown): unknown {
  if (typeof value === 'string') return sanitizeText(value);
  if (Array.isArray(value)) return value.map(sanitizeDeep);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [sanitizeText(k), sanitizeDeep(v)]));
  }
  return value;
}

export function toRemoteTool(tool: SdkTool): RemoteTool {
  const description = sanitizeText(tool.description ?? tool.title ?? '').trim();
  const schema = sanitizeDeep(tool.inputSchema) as Record<string, unknown>;
  const fits = JSON.stringify(schema).length <= MAX_SCHEMA_CHARS;
  return {
    name: tool.name,
    description:
      description.length > MAX_DESCRIPTION_CHARS
        ? `${description.slice(0, MAX_DESCRIPTION_CHARS)}…`
        : description,
    inputSchema: fits ? { ...schema, type: 'object' } : { type: 'object' },
    readOnly: tool.annotations?.readOnlyHint === true,
  };
}

type ContentItem = { type: string; [key: string]: unknown };

function describeItem(item: ContentItem): string {
  switch (item.type) {
    case 'text':
      return typeof item.text === 'string' ? item.text : '';
    case 'image':
    case 'audio': {
      const bytes = typeof item.data === 'string' ? Math.floor((item.data.length * 3) / 4) : 0;
      return `[${item.type} ${String(item.mimeType)}, ${formatBytes(bytes)}]`;
    }
    case 'resource': {
      const resource = item.resource as { uri?: unknown; text?: unknown } | undefined;
      return typeof resource?.text === 'string' ? resource.text : `[resource ${String(resource?.uri)}]`;
    }
    case 'resource_link':
      return `[link ${String(item.name)}: ${String(item.uri)}]`;
    default:
      return `[${item.type} content]`;
  }
}

/** A tools/call result as text for the model; isError becomes a failed result. */
export function toToolResult(result: Record<string, unknown>): ToolResult {
  const content = Array.isArray(result.content) ? (result.content as ContentItem[]) : [];
  const parts = content.map(describeItem).filter((text) => text !== '');
  if (parts.length === 0 && result.structuredContent !== undefined)
    parts.push(JSON.stringify(result.structuredContent));
  if (parts.length === 0 && result.toolResult !== undefined) parts.push(JSON.stringify(result.toolResult));
  return { ok: result.isError !== true, content: parts.join('\n') };
}
