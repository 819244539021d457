import path from 'node:path';
import type { SessionRecord } from '../store/index.js';

/**
 * Tools after whose success the model knows a file's content as of that moment. A file it wrote is
 * one it knows too: a later change by someone else makes its copy as stale as a read one.
 */
const FILE_TOOLS = new Set(['read_file', 'edit_file', 'write_file']);

/** The project-relative path a file tool call names, or null (another tool, bad arguments, outside the project). */
export function fileToolPath(projectDir: string, toolName: string, rawArguments: string): string | null {
  if (!FILE_TOOLS.has(toolName)) return null;
  const named = pathArgument(rawArguments);
  if (named === null) return null;
  const rel = path.relative(projectDir, path.resolve(projectDir, named));
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? null : rel;
}

/**
 * The project files the model has read (or written), each with the time of its latest successful
 * call, from the recorded tool calls and their results.
 */
export function filesRead(records: readonly SessionRecord[], projectDir: string): Map<string, string> {
  const calls = new Map<string, string>();
  const read = new Map<string, string>();
  for (const record of records) {
    if (record.kind !== 'message') continue;
    for (const call of record.toolCalls ?? []) {
      const rel = fileToolPath(projectDir, call.name, call.arguments);
      if (rel !== null) calls.set(call.id, rel);
    }
    const rel =
      record.role === 'tool' && record.toolCallId !== undefined ? calls.get(record.toolCallId) : undefined;
    if (rel === undefined || record.synthetic === true || record.content.startsWith('Error: ')) continue;
    read.delete(rel);
    read.set(rel, record.at);
  }
  return read;
}

function pathArgument(rawArguments: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawArguments);
  } catch {
    // The model's invalid JSON was refused when the call ran: it read nothing.
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null) return null;
  const value = (parsed as Record<string, unknown>).path;
  return typeof value === 'string' && value !== '' ? value : null;
}
