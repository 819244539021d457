import type { Tool, ToolResult } from '../tools/index.js';
import type { RemoteTool } from './types.js';

/** OpenAI-compatible APIs accept tool names of at most 64 of [A-Za-z0-9_-]. */
const MAX_TOOL_NAME = 64;
/** Characters of the arguments shown in an approval question's one-line summary. */
const SUMMARY_ARGS_CHARS = 160;
const DETAIL_CHARS = 4000;

/** `SERVER__TOOL`, made a valid tool name; `taken` avoids collisions between two long names. */
export function offeredName(server: string, tool: string, taken: ReadonlySet<string>): string {
  const base = `${server}__${tool.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, MAX_TOOL_NAME);
  let name = base;
  for (let n = 2; taken.has(name); n += 1)
    name = `${base.slice(0, MAX_TOOL_NAME - String(n).length - 1)}_${n}`;
  return name;
}

export type CallRemote = (
  tool: string,
  args: Record<string, unknown>,
  signal: AbortSignal,
) => Promise<ToolResult>;

/** Offers one server's tool to the model; read-only ones (by the server's own hint) run without asking. */
export function adaptTool(server: string, remote: RemoteTool, name: string, call: CallRemote): Tool {
  return {
    schema: {
      name,
      description: `[MCP server ${server}] ${remote.description}`.trim(),
      parameters: remote.inputSchema,
    },
    access: remote.readOnly ? 'read' : 'mcp',
    prepare(args, context) {
      if (typeof args !== 'object' || args === null || Array.isArray(args)) {
        return Promise.resolve({
          ready: false,
          result: { ok: false, content: 'Invalid arguments: expected a JSON object' },
        });
      }
      const record = args as Record<string, unknown>;
      const json = JSON.stringify(record);
      return Promise.resolve({
        ready: true,
        summary: `${name} ${json.length > SUMMARY_ARGS_CHARS ? `${json.slice(0, SUMMARY_ARGS_CHARS)}…` : json}`,
        detail: JSON.stringify(record, null, 2).slice(0, DETAIL_CHARS),
        run: () => call(remote.name, record, context.signal),
      });
    },
  };
}
