import type { AgentConfig } from '../config/index.js';
import { defineTool, failure, READ_ONLY_TOOLS, type Tool } from '../tools/index.js';
import * as z from 'zod';
import type { AgentRunner } from './agent-runner.js';
import { lazily } from '../lazy.js';

/** Tool names are `agent_NAME`; the name rule of [[agents]] keeps them valid. */
export const AGENT_TOOL_PREFIX = 'agent_';

/** Ships by default (a configured agent of the same name replaces it). */
export const CONTEXT_GATHERER: AgentConfig = {
  name: 'context_gatherer',
  description:
    'Explores the project with read-only tools (list, search, read) and reports the files, code and facts relevant to a task, with paths and line numbers. Use it before a change that touches code you have not seen.',
  system_prompt: [
    'You are a context gatherer working for another assistant. Explore the project with your read-only tools',
    'and find what is relevant to the task you are given. Do not guess: read the files.',
    'Answer with a concise report: the relevant files (paths, line ranges), the key facts, and open questions.',
  ].join(' '),
  tools: READ_ONLY_TOOLS.map((tool) => tool.schema.name),
};

/** The built-in agents overlaid with the configured ones, by name. */
export function agentList(configured: readonly AgentConfig[]): AgentConfig[] {
  const byName = new Map([CONTEXT_GATHERER, ...configured].map((agent) => [agent.name, agent]));
  return [...byName.values()];
}

const argsSchema = lazily(() => z.object({ task: z.string().min(1) }));

/**
 * One `agent_NAME` tool: the call runs the agent as a background job and returns its answer. `current`
 * is read at each call (its model may be approved meanwhile); the name and description never change.
 */
export function agentTool(current: () => AgentConfig, runner: AgentRunner): Tool {
  const agent = current();
  return defineTool({
    access: 'agent',
    args: argsSchema,
    schema: {
      name: `${AGENT_TOOL_PREFIX}${agent.name}`,
      description: `${agent.description} (Runs as a background agent with its own conversation; returns its final answer.)`,
      parameters: {
        type: 'object',
        properties: {
          task: { type: 'string', description: 'What the agent should do, with all the context it needs' },
        },
        required: ['task'],
        additionalProperties: false,
      },
    },
    check: (args) => ({ summary: `${agent.name}: ${args.task}`, detail: args.task }),
    async run(args, context) {
      if (context.sessionId === undefined) return failure('Agents run only inside a session.');
      return runner.run(current(), args.task, { ...context, sessionId: context.sessionId });
    },
  });
}
