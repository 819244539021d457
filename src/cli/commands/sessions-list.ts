/**
 * `octo sessions list`, and the table `octo run` shows. Kept apart from the other sessions commands:
 * listing runs on the light SessionListing (core/listing.ts) and loads nothing else.
 */
import type { SessionListing } from '../../core/listing.js';
import type { SessionSummary } from '../../core/api.js';
import { knownTokens } from '../../core/store/records.js';
import { sanitizeLine } from '../../core/text/index.js';
import { compactNumber, relativeAge, sessionCost, table, totalTokens } from '../format/values.js';
import { EXIT, type ExitCode, type Output } from '../io.js';
import type { SessionsAction } from '../parse.js';

/** Columns holding numbers, right-aligned. */
const NUMERIC_COLUMNS = new Set([2, 3, 4]);

export function sessionTable(
  sessions: readonly SessionSummary[],
  now: number,
  options: { withProject: boolean },
): string[] {
  const header = [
    'NAME',
    'UPDATED',
    'MESSAGES',
    'TOKENS',
    'COST',
    'MODEL',
    ...(options.withProject ? ['PROJECT'] : []),
  ];
  const rows = sessions.map((s) => [
    sanitizeLine(s.name),
    relativeAge(s.updatedAt, now),
    String(s.messageCount),
    unknownOr(knownTokens(s), (t) => compactNumber(totalTokens(t))),
    sessionCost(s),
    sanitizeLine(s.model),
    ...(options.withProject ? [sanitizeLine(s.projectDir)] : []),
  ]);
  return table(header, rows, NUMERIC_COLUMNS);
}

type ListAction = Extract<SessionsAction, { action: 'list' }>;

export async function listSessions(
  ws: SessionListing,
  output: Output,
  { all, json, trash }: ListAction,
): Promise<ExitCode> {
  const sessions = await ws.sessions.list({
    ...(all ? {} : { projectId: ws.project.id }),
    ...(trash ? { onlyTrash: true } : {}),
  });
  if (json) {
    output.json(sessions);
    return EXIT.ok;
  }
  if (sessions.length === 0) {
    const where = all ? '' : ` of ${sanitizeLine(ws.project.dir)}`;
    output.note(
      trash
        ? `No sessions${where} in the trash.`
        : `No sessions${where} yet. Start one with: octo run --name NAME`,
    );
    return EXIT.ok;
  }
  output.lines(sessionTable(sessions, output.io.now(), { withProject: all }));
  return EXIT.ok;
}

function unknownOr<T>(value: T | null, shown: (value: T) => string): string {
  return value === null ? '?' : shown(value);
}
