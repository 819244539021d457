import * as z from 'zod';
import type { ToolSchema } from '../provider/index.js';
import type { Prepared, Tool, ToolAccess, ToolContext, ToolResult } from './types.js';

export interface ToolDefinition<A> {
  schema: ToolSchema;
  access: ToolAccess;
  /**
   * The arguments' schema, built on the first call (lazily): building every tool's at start-up cost
   * more than the tools' whole module. What the model is offered is `schema`, a JSON Schema of its own.
   */
  args: () => z.ZodType<A>;
  /**
   * Checks beyond the argument shape (paths, uniqueness) and says what the call will do; a ToolResult
   * refuses the call. Runs before any approval is asked, and has no side effect.
   */
  check(args: A, context: ToolContext): Checked | Promise<Checked>;
  run(args: A, context: ToolContext): Promise<ToolResult>;
}

type Checked = { summary: string; detail: string } | ToolResult;

export const failure = (content: string): ToolResult => ({ ok: false, content });

function isResult(value: object): value is ToolResult {
  return 'ok' in value;
}

/** Builds a Tool from a zod argument schema, a side-effect-free check and the action itself. */
export function defineTool<A>(definition: ToolDefinition<A>): Tool {
  return {
    schema: definition.schema,
    access: definition.access,
    async prepare(rawArgs, context): Promise<Prepared> {
      const parsed = definition.args().safeParse(rawArgs ?? {});
      if (!parsed.success)
        return { ready: false, result: failure(`Invalid arguments: ${z.prettifyError(parsed.error)}`) };
      const args = parsed.data;
      const checked = await definition.check(args, context);
      if (isResult(checked)) return { ready: false, result: checked };
      return { ready: true, ...checked, run: () => definition.run(args, context) };
    },
  };
}
