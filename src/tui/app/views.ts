/** Per-pane views as a function of the app state and the screen size: what `Pane.update` receives. */
import { plural, sanitizeLine } from '../../core/text/index.js';
import { describeLimit, limitChoiceText } from './budget.js';
import { frontQuestion } from './question.js';
import { ZERO_USAGE } from '../../core/store/records.js';
import { keyLabel } from '../keymap.js';
import type { PaneView } from '../pane.js';
import { inputLines } from '../input-state.js';
import { computeLayout, inner, type Layout, type PaneId, type Rect } from '../layout.js';
import { seg, type StyledLine } from '../text/styled.js';
import { contextView } from '../view/context-view.js';
import type { ConversationItem } from '../view/conversation-items.js';
import {
  visibleWindow,
  type LineCache,
  type WindowInput,
  type WindowView,
} from '../view/conversation-window.js';
import { jobsView } from '../view/jobs-view.js';
import {
  approvalOverlay,
  limitOverlay,
  outputOverlay,
  searchOverlay,
  transcriptOverlay,
  type OverlayView,
} from '../view/overlay-view.js';
import { scrollToCursor, sessionsView, type SessionsView } from '../view/sessions-view.js';
import { statusView } from '../view/status-view.js';
import { summaryView } from '../view/summary-view.js';
import { commandMenuView, menuBox } from '../view/command-menu-view.js';
import { helpWindow } from '../view/help-view.js';
import { openMenu } from './command-menu.js';
import { countInputRows, overlaySize, queueRows } from './geometry.js';
import { helpContent } from './help.js';
import { conversationOf, currentSession, type AppState } from './state.js';

export interface ScreenModel {
  layout: Layout;
  panes: Record<PaneId, PaneView> | null;
  status: StyledLine;
  /** The side panes collapsed to one line (layout.summary), or null while they are shown. */
  summary: StyledLine | null;
  /** The help, scrolled, with its title. */
  help: OverlayView | null;
  /** The list of slash commands over the input, while a command name is typed. */
  menu: OverlayView | null;
  sessions: SessionsView | null;
  sessionsTop: number;
  conversation: WindowView | null;
  /** A box over the panes: the oldest approval question, else a job's transcript. */
  overlay: OverlayView | null;
}

export interface ViewContext {
  width: number;
  height: number;
  now: number;
  projectId: string;
  projectDir: string;
  spendingLimit: number | undefined;
  cache: LineCache;
  /** Items of the current session (after /clear, with notes). */
  items: readonly ConversationItem[];
  /** Memoised Sessions view: recomputed only when its inputs change. */
  sessions: (width: number) => SessionsView;
}

export function sessionsViewFor(
  state: AppState,
  ctx: Pick<ViewContext, 'now' | 'projectId'> & { projectGroup?: string | undefined },
  width: number,
): SessionsView {
  return sessionsView({
    summaries: state.summaries,
    projectId: ctx.projectId,
    ...(ctx.projectGroup === undefined ? {} : { projectGroup: ctx.projectGroup }),
    openId: state.currentId,
    busy: state.busy,
    cursor: state.sessionCursor,
    now: ctx.now,
    width,
  });
}

function inputTitle(state: AppState): string {
  const hint = state.hint === null ? '' : ` — ${state.hint.text}`;
  const mode = currentSession(state)?.readOnly === true ? ' (read-only)' : '';
  return ` Input${mode}${queueTitle(state)}${hint} `;
}

/** What the queue above the input waits for, and how to change it. */
function queueTitle(state: AppState): string {
  const id = state.currentId;
  const waiting = id === null ? 0 : (state.queued.get(id)?.length ?? 0);
  if (id === null || waiting === 0) return '';
  const count = `${waiting} queued`;
  if (state.queueHeld.has(id)) return ` — ${count}, held: Enter sends on · Up edits the last`;
  return ` — ${count}: sent when the session is free · Up edits the last`;
}

function conversationTitle(state: AppState, window: WindowView): string {
  const session = currentSession(state);
  const summary = state.summaries.find((s) => s.id === state.currentId) ?? session?.summary;
  const name = summary === undefined ? '' : ` — ${sanitizeLine(summary.name)}`;
  const scrolled = window.scroll > 0 ? ` ↑ scrolled ${plural(window.scroll, 'line')} (End returns)` : '';
  const readOnly =
    (session?.detached ?? null) !== null
      ? ' — detached: quit and resume'
      : session?.readOnly === true
        ? ' — read-only, /fork to continue here'
        : '';
  return ` Conversation${name}${readOnly}${scrolled} `;
}

/** What the conversation window of session `id` is drawn from, at the pane's inner size. */
export function windowInput(
  state: AppState,
  id: string,
  items: readonly ConversationItem[],
  size: { width: number; height: number },
): WindowInput {
  const conv = conversationOf(state, id);
  return {
    items,
    live: state.live.get(id) ?? null,
    width: size.width,
    height: size.height,
    scroll: conv.scroll,
    expanded: conv.expanded,
    selected: conv.selected,
    busy: state.busy.has(id),
    costs: state.showCosts,
  };
}

export function screenModel(state: AppState, ctx: ViewContext): ScreenModel {
  const layout = computeLayout(ctx.width, ctx.height, countInputRows(state, ctx.width), state.sidePanes);
  const session = currentSession(state);
  const summary = session?.summary ?? null;
  const status = statusView({
    model: summary?.model ?? '',
    // The session's own project: one opened from another project is not this folder's.
    projectDir: summary?.projectDir ?? ctx.projectDir,
    sessionName: summary?.name ?? null,
    readOnly: session?.readOnly ?? false,
    holder: session?.holder ?? null,
    detached: (session?.detached ?? null) !== null,
    busy: state.currentId !== null && state.busy.has(state.currentId),
    width: ctx.width,
  });
  if (layout.kind === 'tooSmall') {
    return {
      layout,
      panes: null,
      status,
      summary: null,
      help: null,
      menu: null,
      sessions: null,
      sessionsTop: state.sessionsTop,
      conversation: null,
      overlay: null,
    };
  }
  const sessionsBox = inner(layout.sessions);
  const sessions = ctx.sessions(sessionsBox.width);
  const sessionsTop = scrollToCursor(
    state.sessionsTop,
    sessions.cursorLine,
    sessionsBox.height,
    sessions.total,
  );
  const convBox = inner(layout.conversation);
  const window = visibleWindow(
    state.currentId === null
      ? { ...windowInput(state, '', ctx.items, convBox), live: null, busy: false }
      : windowInput(state, state.currentId, ctx.items, convBox),
    ctx.cache,
  );
  const rightBox = inner(layout.context);
  const live = state.currentId === null ? undefined : state.live.get(state.currentId);
  const focused = (id: PaneId): boolean => state.focus === id && !state.helpVisible;
  const panes: Record<PaneId, PaneView> = {
    sessions: {
      title: ' Sessions ',
      lines: sessions.lines(sessionsTop, sessionsBox.height),
      focused: focused('sessions'),
    },
    conversation: {
      title: conversationTitle(state, window),
      lines:
        window.lines.length === 0
          ? [[seg('No messages yet. Type below and press Enter.', 'dim')]]
          : window.lines,
      focused: focused('conversation'),
    },
    context: {
      title: ' Context ',
      lines: contextView({
        breakdown: state.breakdown,
        tokens: summary?.tokens ?? ZERO_USAGE,
        cost: summary?.cost ?? null,
        costIncomplete: summary?.costIncomplete ?? false,
        spendingLimit: ctx.spendingLimit,
        streamingChars: live === undefined ? 0 : live.text.length + live.reasoning.length,
        stale: state.currentId === null ? [] : (state.stale.get(state.currentId) ?? []),
        width: rightBox.width,
      }),
      focused: focused('context'),
    },
    jobs: {
      title: ' Jobs ',
      lines: jobsView({
        jobs: [...state.jobs.values()],
        mcp: [...state.mcp.values()],
        cursor: state.jobCursor,
        focused: focused('jobs'),
        now: ctx.now,
        width: inner(layout.jobs).width,
      }),
      focused: focused('jobs'),
    },
    input: {
      title: inputTitle(state),
      lines: inputPaneLines(state, inner(layout.input)),
      focused: focused('input'),
    },
  };
  const help = state.helpVisible ? helpView(state, layout.status) : null;
  const overlay = overlayFor(state, ctx);
  const menu = menuView(state, layout.input);
  const collapsed =
    layout.summary === null
      ? null
      : summaryView({
          sessions: state.summaries.length,
          busy: state.busy.size,
          breakdown: state.breakdown,
          cost: summary?.cost ?? null,
          costIncomplete: summary?.costIncomplete ?? false,
          jobs: [...state.jobs.values()],
          mcp: [...state.mcp.values()],
          stale: state.currentId === null ? 0 : (state.stale.get(state.currentId)?.length ?? 0),
          toggleKey: keyLabel('toggleSidePanes'),
          width: layout.summary.width,
        });
  return {
    layout,
    panes,
    status,
    summary: collapsed,
    help,
    menu,
    sessions,
    sessionsTop,
    conversation: window,
    overlay,
  };
}

/** Messages typed ahead above the input line, which keeps at least one row. */
function inputPaneLines(state: AppState, box: { width: number; height: number }): StyledLine[] {
  const queued = queueRows(state, box.width).slice(0, Math.max(0, box.height - 1));
  const typing = inputLines(
    state.input,
    box.width,
    box.height - queued.length,
    state.focus === 'input' && !state.helpVisible,
    'Type a message, or / for commands',
  );
  return [...queued, ...typing];
}

function helpView(state: AppState, status: Rect): OverlayView {
  const { lines, height } = helpContent(state, status);
  return helpWindow(lines, height, state.helpScroll);
}

function menuView(state: AppState, input: Rect): OverlayView | null {
  const menu = openMenu(state);
  if (menu === null) return null;
  return commandMenuView(menu.matches, menu.index, inner(menuBox(input, menu.matches.length)));
}

function overlayFor(state: AppState, ctx: ViewContext): OverlayView | null {
  const size = overlaySize(ctx.width, ctx.height);
  const question = frontQuestion(state);
  const chosen = state.questionChoice;
  if (question?.kind === 'approval')
    return approvalOverlay(question.request, state.approvals.length, size.width, {
      choices: question.choices,
      chosen,
    });
  if (question?.kind === 'limit') {
    const { ask } = question;
    const session = state.summaries.find((s) => s.id === ask.sessionId)?.name ?? ask.sessionId;
    const choices = question.choices.map((answer) => ({ answer, text: limitChoiceText(answer, ask) }));
    return limitOverlay({ what: describeLimit(ask), session }, size.width, { choices, chosen });
  }
  if (state.search !== null) return searchOverlay(state.search, size.width, size.height);
  const t = state.transcript;
  if (t === null) return null;
  const scroll = t.scroll ?? 0;
  if (t.output !== undefined) return outputOverlay(t.title, t.output, size.width, size.height, scroll);
  return transcriptOverlay(t.title, t.records, size.width, size.height, scroll);
}
