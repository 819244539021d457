/** `octo doctor [--reindex] [--clean]`: one line per check, exit 1 when any failed. */
import type { Workspace } from '../../core/api.js';
import { plural, sanitizeLine } from '../../core/text/index.js';
import { EXIT, type ExitCode, type Output } from '../io.js';

export async function runDoctor(
  ws: Workspace,
  output: Output,
  { reindex, clean }: { reindex: boolean; clean: boolean },
): Promise<ExitCode> {
  const report = await ws.doctor({ reindex, clean });
  const { out } = output;
  const sessions = report.sessions === null ? 'sessions unknown' : plural(report.sessions, 'session');
  output.line(`Data folder ${sanitizeLine(report.dataDir)}: ${sessions}${reindex ? ' (index rebuilt)' : ''}`);
  for (const removed of report.cleaned) output.line(`removed  ${sanitizeLine(removed)}`);
  const { identityProblem } = ws.project;
  if (identityProblem !== undefined) {
    // Not a failure: sessions still work, but tied to the path, so a moved checkout loses them.
    output.line(
      `${out.yellow('warn')}  project identity: ${sanitizeLine(identityProblem)}; the sessions of ${sanitizeLine(ws.project.dir)} are tied to its path`,
    );
  }
  for (const check of report.checks) {
    const mark = check.ok ? out.green('ok  ') : out.red('FAIL');
    output.line(
      `${mark}  ${sanitizeLine(check.name)}${check.detail !== '' ? `: ${sanitizeLine(check.detail)}` : ''}`,
    );
  }
  const failed = report.checks.filter((c) => !c.ok).length;
  if (report.cleanable.length > 0 && !clean) {
    output.line(`${plural(report.cleanable.length, 'leftover')} can be removed safely: octo doctor --clean`);
  }
  output.line(failed === 0 ? 'All checks passed.' : `${plural(failed, 'check')} failed.`);
  return failed === 0 && report.ok ? EXIT.ok : EXIT.failure;
}
