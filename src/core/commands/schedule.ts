import type { CommandResult } from '../api.js';
import { formatDuration, MAX_DELAY_MS, MIN_EVERY_MS, parseDuration } from '../jobs/index.js';
import { sanitizeLine } from '../text/index.js';
import { message, type CommandContext, type CommandSpec } from './types.js';

const USAGE = '/schedule in 10m TEXT | every 1h TEXT | list | cancel ID';

function add(context: CommandContext, kind: 'in' | 'every', rest: string): CommandResult {
  const match = /^(\S+)\s+([\s\S]+)$/.exec(rest.trim());
  const ms = match === null ? null : parseDuration(match[1] ?? '');
  const text = match?.[2]?.trim() ?? '';
  if (ms === null || text === '')
    return message('error', `Usage: ${USAGE} (durations like 90s, 10m, 1h30m, 2d)`);
  if (kind === 'every' && ms < MIN_EVERY_MS)
    return message('error', `Repeat at most every ${formatDuration(MIN_EVERY_MS)}.`);
  if (ms > MAX_DELAY_MS) return message('error', `Schedule at most ${formatDuration(MAX_DELAY_MS)} ahead.`);
  if (context.readOnly || context.scheduleTarget === undefined)
    return message('error', 'This view is read-only; nothing can be scheduled here.');
  const info = context.services?.schedules.add(context.scheduleTarget, kind, ms, text);
  if (info === undefined) return message('error', 'Schedules are not available here.');
  const when = kind === 'in' ? `in ${formatDuration(ms)}` : `every ${formatDuration(ms)}`;
  return message(
    'info',
    `Scheduled ${info.id}: "${sanitizeLine(text)}" ${when} (held until octo exits). Cancel it with /schedule cancel ${info.id}.`,
  );
}

function schedule(args: string, context: CommandContext): CommandResult {
  const schedules = context.services?.schedules;
  if (schedules === undefined) return message('error', 'Schedules are not available here.');
  const [, sub = 'list', rest = ''] = /^\s*(\S*)\s*([\s\S]*)$/.exec(args) ?? [];
  switch (sub === '' ? 'list' : sub) {
    case 'list':
      return { type: 'schedules', schedules: schedules.list(context.sessionId) };
    case 'cancel': {
      const id = rest.trim();
      return schedules.cancel(id)
        ? message('info', `Cancelled ${sanitizeLine(id)}.`)
        : message('error', `No schedule ${sanitizeLine(id)} (see /schedule list).`);
    }
    case 'in':
      return add(context, 'in', rest);
    case 'every':
      return add(context, 'every', rest);
    default:
      return message('error', `Usage: ${USAGE}`);
  }
}

function jobs(args: string, context: CommandContext): CommandResult {
  const service = context.services?.jobs;
  if (service === undefined) return message('error', 'Jobs are not available here.');
  const [, sub = '', rest = ''] = /^\s*(\S*)\s*([\s\S]*)$/.exec(args) ?? [];
  if (sub === '') return { type: 'jobs', jobs: service.list() };
  if (sub !== 'cancel') return message('error', 'Usage: /jobs [cancel ID]');
  const id = rest.trim();
  return service.cancel(id)
    ? message('info', `Cancelling ${sanitizeLine(id)}.`)
    : message('error', `No running job ${sanitizeLine(id)}.`);
}

export const scheduleCommand: CommandSpec = {
  name: 'schedule',
  usage: USAGE,
  summary: 'send a message to this session later or repeatedly (kept in memory while octo runs)',
  run: (args, context) => Promise.resolve(schedule(args, context)),
};

export const jobsCommand: CommandSpec = {
  name: 'jobs',
  usage: '/jobs [cancel ID]',
  summary: 'background jobs (agents, schedules) with status, tokens and cost; cancel one',
  run: (args, context) => Promise.resolve(jobs(args, context)),
};
