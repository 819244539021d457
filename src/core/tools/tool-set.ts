import type { ToolSchema } from '../provider/index.js';
import { getErrorMessage, isAbortError } from '../errors.js';
import type { ApprovalGate } from './approval-gate.js';
import type { Tool, ToolContext, ToolResult } from './types.js';

export interface ToolSet {
  schemas(): ToolSchema[];
  /** Runs a call by name with its raw JSON arguments; every failure comes back as a result. */
  call(name: string, rawArguments: string, context: ToolContext): Promise<ToolResult>;
}

export interface ToolSetOptions {
  /** Asks before writing, shell commands and MCP tools; without one every tool runs (tests of tools). */
  gate?: ApprovalGate;
  /** Extra folders outside the project (`tools.allowed_dirs`), read at each call. */
  allowedDirs?: () => readonly string[];
  /** `tools.search_budget_ms`. */
  searchBudgetMs?: number;
}

/** The tools the model is offered; a function so MCP servers and agents can come and go. */
export type ToolSource = readonly Tool[] | (() => readonly Tool[]);

export function createToolSet(source: ToolSource, options: ToolSetOptions = {}): ToolSet {
  const current = (): readonly Tool[] => (typeof source === 'function' ? source() : source);
  return {
    schemas: () => current().map((tool) => tool.schema),
    async call(name, rawArguments, baseContext) {
      const tools = current();
      const tool = tools.find((t) => t.schema.name === name);
      if (tool === undefined) {
        return {
          ok: false,
          content: `Unknown tool "${name}". Available: ${tools.map((t) => t.schema.name).join(', ')}`,
        };
      }
      let args: unknown;
      try {
        args = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
      } catch (error) {
        // docs/faults.md row 17: never run a call whose arguments are not valid JSON.
        return {
          ok: false,
          content: `Not executed: the arguments are not valid JSON (${getErrorMessage(error)}).`,
        };
      }
      const budget = options.searchBudgetMs ?? baseContext.searchBudgetMs;
      const context: ToolContext = {
        ...baseContext,
        allowedDirs: options.allowedDirs?.() ?? baseContext.allowedDirs ?? [],
        ...(budget === undefined ? {} : { searchBudgetMs: budget }),
      };
      try {
        const prepared = await tool.prepare(args, context);
        if (!prepared.ready) return prepared.result;
        const refusal = await options.gate?.check(tool, prepared, context);
        if (refusal !== undefined && refusal !== null) return refusal;
        return await prepared.run();
      } catch (error) {
        if (isAbortError(error) || context.signal.aborted) throw error;
        return { ok: false, content: `${name} failed: ${getErrorMessage(error)}` };
      }
    },
  };
}
