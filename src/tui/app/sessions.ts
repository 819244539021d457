/** Session actions of the TUI: open, switch, create, rename, list, all through ws.sessions. */
import type { SessionHandle } from '../../core/api.js';
import { sanitizeLine } from '../../core/text/index.js';
import { truncate } from '../text/width.js';
import { formatAge } from '../view/format.js';
import type { Controller } from './controller.js';
import { noteCatchUp } from './catch-up.js';
import { relist } from './events.js';

/** Shows `handle` (already open). A handle left behind stays open: its turn may still be streaming. */
export function show(c: Controller, handle: SessionHandle): void {
  const s = c.state;
  s.handles.set(handle.id, handle);
  s.currentId = handle.id;
  s.sessionCursor = handle.id;
  if (handle.isBusy()) s.busy.add(handle.id);
  if (handle.readOnly) c.note(readOnlyText(handle), 'warning');
  noteCatchUp(c, handle.id, handle.catchUp());
  c.refreshContext();
}

export function readOnlyText(handle: SessionHandle): string {
  const who =
    handle.holder === null
      ? 'another process'
      : `process ${handle.holder.pid} on ${sanitizeLine(handle.holder.host)} (since ${sanitizeLine(handle.holder.since)})`;
  return `Read-only: ${who} is writing this session; this view follows it. /fork [NAME] to continue here.`;
}

/** /fork [NAME]: a copy of the current session's history, opened in its place. */
export async function forkCurrent(c: Controller, name: string): Promise<void> {
  const handle = c.current();
  if (handle === null) {
    c.note('Open a session first: /fork copies the session on screen.', 'warning');
    return;
  }
  const origin = handle.summary().name;
  const forked = await c.ws.sessions.fork(handle.id, name === '' ? `${origin}-fork` : name);
  await switchTo(c, forked.id);
  c.note(`Forked ${origin} as ${forked.name}: this session continues from here.`, 'info');
  await relist(c);
}

export async function switchTo(c: Controller, id: string): Promise<void> {
  if (id === c.state.currentId) return;
  const token = ++c.switchToken;
  const handle = c.state.handles.get(id) ?? (await c.ws.sessions.open(id));
  // A later switch (Ctrl-N held down) wins over an earlier open that finished late.
  if (token !== c.switchToken) {
    c.state.handles.set(handle.id, handle);
    return;
  }
  show(c, handle);
}

/** Ctrl-N / Ctrl-P: the neighbour in the order the Sessions pane shows. */
export function step(c: Controller, delta: 1 | -1): void {
  const order = c.model?.sessions?.order ?? c.state.summaries.map((x) => x.id);
  if (order.length === 0) return;
  const at = c.state.currentId === null ? -1 : order.indexOf(c.state.currentId);
  const next = order[(at + delta + order.length) % order.length];
  if (next === undefined || next === c.state.currentId) return;
  c.state.sessionCursor = next;
  c.run('Opening the session', () => switchTo(c, next));
}

export async function switchToName(c: Controller, name: string): Promise<void> {
  if (name === '') {
    c.note('Usage: /session NAME', 'warning');
    return;
  }
  const found = await c.ws.sessions.find(name);
  if (found === null) {
    const near = await c.ws.sessions.closestNames(name);
    c.note(
      `No session named ${name}.${near.length > 0 ? ` Did you mean: ${near.join(', ')}?` : ''}`,
      'warning',
    );
    return;
  }
  await switchTo(c, found.id);
}

export async function createSession(c: Controller, name: string | undefined, model?: string): Promise<void> {
  const handle = await c.ws.sessions.create(
    name === '' ? undefined : name,
    model === undefined ? {} : { model },
  );
  show(c, handle);
  await relist(c);
}

export async function renameCurrent(c: Controller, name: string): Promise<void> {
  const id = c.state.currentId;
  if (id === null || name === '') {
    c.note('Usage: /rename NAME (with a session open)', 'warning');
    return;
  }
  const summary = await c.ws.sessions.rename(id, name);
  c.note(`Renamed to ${summary.name}.`, 'info');
  await relist(c);
}

export function listSessions(c: Controller): void {
  const now = c.deps.clock();
  const mine = c.state.summaries.filter((x) => x.projectId === c.ws.project.id);
  const rows = mine.map((x) => {
    const preview = x.lastPreview === '' ? '' : ` “${truncate(sanitizeLine(x.lastPreview), 40)}”`;
    return `${x.id === c.state.currentId ? '▶' : ' '} ${sanitizeLine(x.name)} (${x.messageCount} msg, ${formatAge(x.updatedAt, now)})${preview}`;
  });
  const others = c.state.summaries.length - mine.length;
  c.note(
    `Sessions of this project: ${rows.length === 0 ? 'none' : rows.join(' · ')}${others > 0 ? ` · ${others} in other projects` : ''}`,
    'info',
  );
}
