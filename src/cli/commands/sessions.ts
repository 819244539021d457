/** `octo sessions ...`: list, show, rename, rm, restore, export, fork, search, move. */
import path from 'node:path';
import type { SearchHit, Workspace } from '../../core/api.js';
import { assertNever } from '../../core/errors.js';
import { sanitizeLine, sanitizeText } from '../../core/text/index.js';
import { historyJson, historyText } from '../format/history.js';
import { table } from '../format/values.js';
import { EXIT, type ExitCode, type Output } from '../io.js';
import type { SessionsAction } from '../parse.js';
import { listSessions } from './sessions-list.js';

export async function runSessions(ws: Workspace, output: Output, command: SessionsAction): Promise<ExitCode> {
  switch (command.action) {
    case 'list':
      return listSessions(ws, output, command);
    case 'show': {
      const { summary, records } = await ws.sessions.show(command.name);
      if (command.json) output.json(historyJson(ws.paths.data, summary, records));
      else output.write(historyText(ws.paths.data, summary, records));
      return EXIT.ok;
    }
    case 'rename': {
      const renamed = await ws.sessions.rename(command.name, command.newName);
      output.line(`Renamed ${command.name} to ${sanitizeLine(renamed.name)}.`);
      return EXIT.ok;
    }
    case 'rm': {
      const trashed = await ws.sessions.trash(command.name);
      output.line(
        `Moved ${sanitizeLine(trashed.name)} to the trash. Restore it with: octo sessions restore ${sanitizeLine(trashed.name)}`,
      );
      return EXIT.ok;
    }
    case 'restore': {
      const restored = await ws.sessions.restore(command.name);
      output.line(`Restored ${sanitizeLine(restored.name)}.`);
      return EXIT.ok;
    }
    case 'export': {
      const text = await ws.sessions.export(command.name, command.format);
      // JSON escapes control characters itself; Markdown carries model text, which may hold escapes.
      output.write(command.format === 'json' ? text : sanitizeText(text));
      return EXIT.ok;
    }
    case 'fork': {
      const forked = await ws.sessions.fork(
        command.name,
        command.newName,
        command.atSeq === undefined ? {} : { atSeq: command.atSeq },
      );
      const at = command.atSeq === undefined ? '' : ` up to #${command.atSeq}`;
      output.line(
        `Forked ${sanitizeLine(command.name)}${at} as ${sanitizeLine(forked.name)}. Continue it with: octo run --resume ${sanitizeLine(forked.name)}`,
      );
      return EXIT.ok;
    }
    case 'search':
      return search(ws, output, command);
    case 'move': {
      const moved = await ws.sessions.move(command.name, path.resolve(output.io.cwd, command.dir));
      output.line(`Moved ${sanitizeLine(moved.name)} to ${sanitizeLine(moved.projectDir)}.`);
      return EXIT.ok;
    }
    default:
      return assertNever(command, 'sessions command');
  }
}

/** Columns holding numbers in the search table. */
const SEARCH_NUMERIC = new Set([1]);

export function searchTable(hits: readonly SearchHit[]): string[] {
  const rows = hits.map((hit) => [
    sanitizeLine(hit.sessionName),
    `#${hit.seq}`,
    hit.toolName === undefined ? hit.kind : `${hit.kind} ${sanitizeLine(hit.toolName)}`,
    sanitizeLine(hit.snippet),
  ]);
  return table(['SESSION', 'SEQ', 'KIND', 'MATCH'], rows, SEARCH_NUMERIC);
}

async function search(
  ws: Workspace,
  output: Output,
  { text, json, all }: Extract<SessionsAction, { action: 'search' }>,
): Promise<ExitCode> {
  const hits = await ws.sessions.search(text, all ? {} : { projectId: ws.project.id });
  if (json) {
    output.json(hits);
    return EXIT.ok;
  }
  if (hits.length === 0) {
    const where = all ? '' : ` of ${sanitizeLine(ws.project.dir)} (--all searches every project)`;
    output.note(`Nothing found in the sessions${where}.`);
    return EXIT.ok;
  }
  output.lines(searchTable(hits));
  return EXIT.ok;
}
