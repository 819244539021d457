import type { CommandResult } from '../api.js';
import { configSchema, type McpServerConfig } from '../config/index.js';
import { getErrorMessage } from '../errors.js';
import { sanitizeLine } from '../text/index.js';
import { message, type CommandSpec } from './types.js';
import type { CommandServices } from './services.js';
import { splitWords } from './words.js';

const USAGE =
  '/mcp [list | add NAME -- COMMAND ARGS… | add NAME URL | persist NAME | approve NAME | restart NAME]';

/** Builds and validates an entry exactly as `[[mcp.servers]]` in a file would be. */
function entryFrom(name: string, rest: string[]): McpServerConfig | string {
  const [first, ...more] = rest;
  const raw =
    first === '--'
      ? { name, command: more[0], args: more.slice(1) }
      : rest.length === 1 && /^https?:\/\//.test(first ?? '')
        ? { name, url: first }
        : null;
  if (raw === null) return `Usage: /mcp add ${name} -- COMMAND ARGS…, or /mcp add ${name} http://HOST/mcp`;
  const parsed = configSchema().shape.mcp.safeParse({ servers: [raw] });
  if (!parsed.success)
    return parsed.error.issues
      .map((i) => `${i.path.slice(2).join('.') || 'server'}: ${i.message}`)
      .join('; ');
  const [spec] = parsed.data.servers;
  return spec ?? 'no server';
}

async function run(services: CommandServices['mcp'], words: string[]): Promise<CommandResult> {
  const [sub = 'list', name, ...rest] = words;
  if (sub === 'list') return { type: 'mcpServers', servers: services.list() };
  if (name === undefined) return message('error', `Usage: ${USAGE}`);
  const shown = sanitizeLine(name);
  switch (sub) {
    case 'add': {
      const spec = entryFrom(name, rest);
      if (typeof spec === 'string') return message('error', sanitizeLine(spec));
      if (!services.add(spec)) return message('error', `A server named ${shown} already exists.`);
      return message(
        'info',
        `Added ${shown} for this run; it is connecting (see /mcp). Keep it with /mcp persist ${shown}.`,
      );
    }
    case 'persist': {
      const found = services.spec(name);
      if (found === null) return message('error', `No server named ${shown}.`);
      if (found.origin === 'user') return message('info', `${shown} is already in your config file.`);
      const problem = await services.persist(found.spec);
      return problem === null
        ? message('info', `Saved ${shown} to your config file; it starts with every workspace now.`)
        : message('error', `${shown} was not saved: ${sanitizeLine(problem)}`);
    }
    case 'approve':
      return (await services.approve(name))
        ? message(
            'info',
            `Approved ${shown} for this project (asked again if its command changes); starting it.`,
          )
        : message('error', `No server named ${shown} is waiting for approval.`);
    case 'restart':
      return (await services.restart(name))
        ? message('info', `Restarted ${shown} (see /mcp).`)
        : message('error', `No running or failed server named ${shown}.`);
    default:
      return message('error', `Unknown /mcp subcommand ${sanitizeLine(sub)}. Usage: ${USAGE}`);
  }
}

export const mcpCommand: CommandSpec = {
  name: 'mcp',
  usage: USAGE,
  summary: 'list MCP servers and their status; add one for this run, save it, approve or restart one',
  async run(args, context) {
    const services = context.services?.mcp;
    if (services === undefined) return message('error', 'MCP servers are not available here.');
    const words = splitWords(args);
    if (words === null) return message('error', 'Unterminated quote.');
    try {
      return await run(services, words);
    } catch (error) {
      return message('error', getErrorMessage(error));
    }
  },
};
