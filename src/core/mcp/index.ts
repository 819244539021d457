/**
 * Public face of the MCP domain. Nothing here imports the SDK: the adapter (connection.ts) is loaded
 * on the first connection, in the background, so start-up never pays for it.
 */
import type { Connect } from './types.js';

export { McpManager, targetOf, type Declared, type McpManagerDeps, type ServerTrust } from './manager.js';
export { declaredServers } from './servers.js';
export { persistServer } from './persist.js';
export type {
  McpServerInfo,
  McpStatus,
  McpOrigin,
  RemoteTool,
  McpConnection,
  ConnectOptions,
  Connect,
} from './types.js';

export const loadConnect = async (): Promise<Connect> => (await import('./connection.js')).connect;
