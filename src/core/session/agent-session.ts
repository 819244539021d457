import { randomBytes } from 'node:crypto';
import type { AgentSessionInit } from '../jobs/index.js';
import { OpenSession, type HandleDeps } from './handle.js';
import { indexSummary } from './summary.js';

function childName(agent: string): string {
  return `${agent}-${randomBytes(4).toString('hex')}`.slice(0, 64);
}

/**
 * An agent's conversation: a new session saved as a child of the caller's, with the agent's tools and
 * prompt in place of the usual ones (jobs/agent-runner.ts drives it).
 */
export async function startAgentSession(
  deps: Omit<HandleDeps, 'tools' | 'systemPrompt'>,
  init: AgentSessionInit,
): Promise<OpenSession> {
  const parent = (await deps.store.list()).find((s) => s.id === init.parentId);
  const writer = await deps.store.create({
    name: childName(init.agent),
    projectDir: parent?.projectDir ?? init.projectDir,
    projectId: parent?.projectId ?? '',
    model: init.model ?? parent?.model ?? '',
    parentId: init.parentId,
  });
  const child = new OpenSession(
    { ...deps, tools: init.tools, systemPrompt: () => init.systemPrompt },
    { kind: 'writer', writer },
    indexSummary(writer.id, writer.records()),
  );
  await child.saveSummary();
  deps.bus.emit('session.listChanged', { reason: 'created' });
  return child;
}
