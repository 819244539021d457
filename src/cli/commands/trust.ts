/**
 * `octo trust`, and what `octo run -p` says about a project's config that asks for more than the
 * repository: nothing of it is used until the user approved it (docs/faults.md rows 31 and 32).
 */
import { createInterface } from 'node:readline/promises';
import type { TrustEntry, Workspace } from '../../core/api.js';
import { sanitizeLine } from '../../core/text/index.js';
import { EXIT, type ExitCode, type Output } from '../io.js';

export interface TrustOptions {
  /** Approve without asking (scripts, CI). */
  yes: boolean;
  /** Forget this project's approvals. */
  revoke: boolean;
  json: boolean;
}

const STATUS: Record<TrustEntry['status'], string> = {
  approved: 'approved',
  new: 'new',
  changed: 'changed since approved',
};

/** One line per setting, then the values as written, indented: the exact host a key would go to. */
function entryLines(entries: readonly TrustEntry[]): string[] {
  return entries.flatMap((entry) => [
    `  ${sanitizeLine(entry.setting)} (${entry.approvedFor === 'run' ? 'approved for this run' : STATUS[entry.status]}): ${sanitizeLine(entry.summary)}`,
    `      ${sanitizeLine(JSON.stringify(entry.values))}`,
  ]);
}

const HOW_TO_APPROVE =
  'Review and approve them with `octo trust`, or pass --trust-project to use them for this run only.';

/**
 * `-p` never uses what the project asks and the user has not approved: it refuses before anything is
 * sent, naming each setting and where it would send what. True when it refused.
 */
export function refuseUntrusted(ws: Workspace, output: Output): boolean {
  const pending = ws.trust.pending();
  if (pending.length === 0) return false;
  output.error(
    `${sanitizeLine(ws.trust.projectFile)} asks for settings that reach outside this project and are not approved; nothing was sent:`,
  );
  output.note(entryLines(pending).join('\n'));
  output.note(HOW_TO_APPROVE);
  return true;
}

/** `--trust-project`: what this run uses without a remembered approval, said on stderr. */
export function noteTrustedForRun(ws: Workspace, output: Output): void {
  const forRun = ws.trust.entries().filter((entry) => entry.approvedFor === 'run');
  if (forRun.length === 0) return;
  output.note(`Using for this run only (--trust-project), from ${sanitizeLine(ws.trust.projectFile)}:`);
  output.note(entryLines(forRun).join('\n'));
}

async function confirm(output: Output): Promise<boolean> {
  const { io } = output;
  const lines = createInterface({ input: io.stdin, output: io.stderr, terminal: false });
  try {
    const answer = await lines.question('Approve all of these for this project? Type "yes" to approve: ');
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    lines.close();
  }
}

export async function runTrust(ws: Workspace, output: Output, options: TrustOptions): Promise<ExitCode> {
  const file = sanitizeLine(ws.trust.projectFile);
  if (options.revoke) {
    const count = await ws.trust.revoke();
    output.line(`Forgot ${count} approval${count === 1 ? '' : 's'} of ${sanitizeLine(ws.project.dir)}.`);
    return EXIT.ok;
  }
  const entries = ws.trust.entries();
  if (options.json) {
    output.json({ projectDir: ws.project.dir, file: ws.trust.projectFile, settings: entries });
    if (!options.yes) return entries.some((e) => e.status !== 'approved') ? EXIT.failure : EXIT.ok;
  } else if (entries.length === 0) {
    output.line(`${file} asks for nothing that reaches outside this project.`);
    return EXIT.ok;
  } else {
    output.line(`${file} asks for settings that reach outside this project:`);
    output.line(entryLines(entries).join('\n'));
  }
  const pending = ws.trust.pending();
  if (pending.length === 0) {
    if (!options.json) output.line('All of them are approved.');
    return EXIT.ok;
  }
  if (!options.yes) {
    if (!output.io.stdinIsTTY) {
      output.error('Nothing approved: run `octo trust --yes` to approve them.');
      return EXIT.failure;
    }
    if (!(await confirm(output))) {
      output.error('Nothing approved.');
      return EXIT.failure;
    }
  }
  await ws.trust.approve({ remember: true });
  const n = pending.length;
  output.note(
    `Approved ${n} setting${n === 1 ? '' : 's'} for ${sanitizeLine(ws.project.dir)}; a setting that changes is asked about again.`,
  );
  return EXIT.ok;
}
