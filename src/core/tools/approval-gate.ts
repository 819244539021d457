import { assertNever } from '../errors.js';
import type { Approvals } from './approvals.js';
import type { ApprovalCategory, Tool, ToolContext, ToolResult } from './types.js';

export type ApprovalMode = 'ask' | 'allow' | 'deny';

/** `[tools.approval]`: a mode per category, and per tool name where set. */
export interface ApprovalPolicy {
  write: ApprovalMode;
  shell: ApprovalMode;
  mcp: ApprovalMode;
  by_tool: Readonly<Record<string, ApprovalMode>>;
}

/** The mode of one tool under a policy: its own entry, else its category's. */
export function modeOf(policy: ApprovalPolicy, tool: string, category: ApprovalCategory): ApprovalMode {
  return policy.by_tool[tool] ?? policy[category];
}

export interface GateOptions {
  approvals: Approvals;
  /** Read on every call: approving a project's settings can change it while running. */
  mode: (tool: string, category: ApprovalCategory) => ApprovalMode;
  /** Categories granted up front (the CLI's `--allow write,shell`). */
  allow: readonly ApprovalCategory[];
  /** False when nobody can answer a question (`octo run -p`): "ask" then means "not allowed". */
  interactive: boolean;
}

const notAllowed = (reason: string): ToolResult => ({
  ok: false,
  content: `The tool was not allowed: ${reason}.`,
});

/**
 * Decides whether a prepared call may run: reading is free; writing, shell commands and MCP tools
 * follow the policy, asking the user when it says "ask". Nothing runs before the answer.
 */
export class ApprovalGate {
  /** Tools approved "always", per session. */
  private readonly always = new Map<string, Set<string>>();

  constructor(private readonly options: GateOptions) {}

  /** Null when the call may run; otherwise the result the model gets instead. */
  async check(
    tool: Tool,
    call: { summary: string; detail: string },
    context: ToolContext,
  ): Promise<ToolResult | null> {
    if (tool.access === 'read' || tool.access === 'agent') return null;
    const name = tool.schema.name;
    const mode = this.options.mode(name, tool.access);
    const session = context.sessionId ?? '';
    switch (mode) {
      case 'allow':
        return null;
      case 'deny':
        return notAllowed(`${name} is set to "deny" in [tools.approval] of the configuration`);
      case 'ask':
        break;
      default:
        assertNever(mode, 'approval mode');
    }
    if (this.options.allow.includes(tool.access) || this.always.get(session)?.has(name) === true) return null;
    if (!this.options.interactive) {
      return notAllowed(
        `${name} needs the user's approval and nobody can be asked in this mode (it can be granted with --allow ${tool.access})`,
      );
    }
    const answer = await this.options.approvals.ask(
      {
        kind: 'tool',
        sessionId: context.sessionId ?? null,
        tool: name,
        summary: call.summary,
        detail: call.detail,
      },
      context.signal,
    );
    switch (answer) {
      case 'always':
        this.always.set(session, (this.always.get(session) ?? new Set()).add(name));
        return null;
      case 'once':
        return null;
      case 'deny':
        return notAllowed(`the user declined: ${call.summary}`);
      case 'cancelled':
        // The turn was stopped while asking; the tool set turns the abort into an interrupted result.
        context.signal.throwIfAborted();
        return notAllowed('the question was withdrawn before an answer');
      default:
        return assertNever(answer, 'approval answer');
    }
  }
}
