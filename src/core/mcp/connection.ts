/**
 * The adapter over @modelcontextprotocol/sdk. Imported on demand (see index.ts) so the SDK stays off
 * the start-up path: servers connect in the background, after the workspace is up.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import path from 'node:path';
import type { McpServerConfig } from '../config/index.js';
import { getErrorMessage, isOctoError, OctoError } from '../errors.js';
import { serverEnv } from '../tools/index.js';
import { ProcessTransport } from './process-transport.js';
import { toRemoteTool, toToolResult } from './remote.js';
import type { ConnectOptions, McpConnection, RemoteTool } from './types.js';

const CLIENT_INFO = { name: 'octo', version: '0.1.0' };

function transportFor(
  spec: McpServerConfig,
  options: ConnectOptions,
): Transport & { failure?: () => string | null } {
  if (spec.command !== undefined) {
    return new ProcessTransport({
      command: spec.command,
      args: spec.args,
      cwd: spec.cwd === undefined ? options.cwd : path.resolve(options.cwd, spec.cwd),
      env: serverEnv(options.env, spec.env),
      ...(options.children === undefined ? {} : { children: options.children }),
    });
  }
  return new StreamableHTTPClientTransport(new URL(spec.url ?? ''), {
    requestInit: { headers: spec.headers },
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
}

/** Rejects after `ms`, or when `signal` aborts, unless `work` settles first; the caller then tears down. */
async function within<T>(ms: number, what: string, signal: AbortSignal, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort = (): void => undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new OctoError('mcp_timeout', `${what} took longer than ${ms / 1000} s`)),
      ms,
    );
    onAbort = () => reject(new OctoError('aborted', `${what} was abandoned: the server is being stopped`));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

async function listAllTools(client: Client, timeoutMs: number): Promise<RemoteTool[]> {
  const tools: RemoteTool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor }, { timeout: timeoutMs });
    tools.push(...page.tools.map(toRemoteTool));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return tools;
}

/** Starts (or reaches) a server, completes the handshake and lists its tools, all within the timeout. */
export async function connect(spec: McpServerConfig, options: ConnectOptions): Promise<McpConnection> {
  const transport = transportFor(spec, options);
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  let closing = false;
  let lastError: string | null = null;
  client.onerror = (error) => {
    lastError = getErrorMessage(error);
  };
  client.onclose = () => {
    if (!closing) options.onClosed(transport.failure?.() ?? lastError ?? 'the connection closed');
  };
  const close = async (): Promise<void> => {
    closing = true;
    await client.close();
  };
  let tools: RemoteTool[];
  try {
    tools = await within(
      options.timeoutMs,
      'Starting the server',
      options.signal,
      (async () => {
        await client.connect(transport, { timeout: options.timeoutMs });
        return listAllTools(client, options.timeoutMs);
      })(),
    );
  } catch (error) {
    const reason = transport.failure?.() ?? getErrorMessage(error);
    await close();
    throw new OctoError(isOctoError(error, 'mcp_timeout') ? 'mcp_timeout' : 'mcp_failed', reason, {
      cause: error,
    });
  }

  return {
    tools,
    pid: transport instanceof ProcessTransport ? transport.pid : null,
    close,
    async call(tool, args, signal) {
      try {
        const result = await client.callTool({ name: tool, arguments: args }, undefined, {
          signal,
          timeout: options.callTimeoutMs,
        });
        return toToolResult(result);
      } catch (error) {
        if (signal.aborted) throw error;
        if (error instanceof McpError && error.code === (ErrorCode.RequestTimeout as number)) {
          // A server that does not answer is hung: stop it, so its tools go away instead of stalling every turn.
          const reason = `it did not answer ${tool} within ${options.callTimeoutMs / 1000} s`;
          await close();
          options.onClosed(reason);
          return { ok: false, content: `The MCP server stopped responding: ${reason}; it was stopped.` };
        }
        if (!(transport instanceof ProcessTransport) && !(error instanceof McpError)) {
          // Over HTTP nothing reports a dead server but the next request: it is as gone as a crashed process.
          const reason = `it could not be reached: ${getErrorMessage(error)}`;
          await close();
          options.onClosed(reason);
          return { ok: false, content: `The MCP server is unavailable: ${reason}.` };
        }
        return {
          ok: false,
          content: `The MCP tool failed: ${transport.failure?.() ?? getErrorMessage(error)}`,
        };
      }
    },
  };
}
