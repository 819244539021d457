import { getErrorMessage } from '../errors.js';
import { sanitizeLine } from '../text/index.js';
import type { Approvals } from '../tools/index.js';
import type { ProjectTrust } from './project-trust.js';
import type { TrustEntry } from './types.js';

const STATUS_TEXT: Record<TrustEntry['status'], string> = {
  new: 'new',
  changed: 'changed since you approved it',
  approved: 'approved',
};

/** The question's lines: each setting, its status and what it does, then the values as written. */
export function describePending(pending: readonly TrustEntry[]): string {
  const lines = pending.map((e) => `${e.setting} (${STATUS_TEXT[e.status]}): ${e.summary}`);
  const values = pending.map((e) => `${e.setting} = ${sanitizeLine(JSON.stringify(e.values))}`);
  return [...lines, '', ...values].join('\n');
}

/**
 * Asks the user, in one question, about everything the project's file asks that is not approved yet;
 * once: for this run, always: remembered for the project (until a setting changes), deny: not used
 * (asked again next time). When what is pending changes meanwhile (`/mcp approve`), the question is
 * withdrawn and asked again. Returns the function that stops asking.
 */
export function askAboutProject(
  trust: ProjectTrust,
  approvals: Approvals,
  onError: (message: string) => void,
): () => void {
  let asking: { ids: string; controller: AbortController } | null = null;
  const refresh = (): void => {
    const pending = trust.pending().filter((entry) => !entry.declined);
    const ids = pending.map((entry) => entry.id).join('\n');
    if (asking?.ids === ids) return;
    asking?.controller.abort();
    asking = null;
    if (pending.length === 0) return;
    const controller = new AbortController();
    asking = { ids, controller };
    const count = pending.length === 1 ? 'a setting' : `${pending.length} settings`;
    const question = {
      kind: 'project' as const,
      sessionId: null,
      tool: trust.projectFile,
      summary: `This project's config asks for ${count} that reach${pending.length === 1 ? 'es' : ''} outside it: ${pending[0]?.summary ?? ''}${pending.length > 1 ? ' …' : ''}`,
      detail: describePending(pending),
    };
    const chosen = pending.map((entry) => entry.id);
    void approvals.ask(question, controller.signal).then(async (answer) => {
      if (asking?.controller === controller) asking = null;
      try {
        if (answer === 'once' || answer === 'always')
          await trust.approve({ ids: chosen, remember: answer === 'always' });
        else if (answer === 'deny') trust.decline(chosen);
      } catch (error) {
        onError(`The approval of this project's settings was not saved: ${getErrorMessage(error)}`);
      }
    });
  };
  const off = trust.onChange(refresh);
  refresh();
  return () => {
    off();
    asking?.controller.abort();
    asking = null;
  };
}
