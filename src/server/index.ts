/** The server layer's public face (docs/architecture.md "Front ends and the protocol"): the daemon and WebSocket front ends over the core. */
export { Hub, type HubOptions } from './hub.js';
export { startWsServer, formatUrl, type RunningWsServer, type WsServerOptions } from './ws-server.js';
export { startUnixServer, type RunningUnixServer, type UnixServerOptions } from './unix-server.js';
export {
  readServerFile,
  writeServerFile,
  removeServerFile,
  serverFilePath,
  type ServerInfo,
} from './server-file.js';
export { daemonDir, daemonPaths } from './daemon-paths.js';
export { locateDaemon, sendToDaemon, FrameConnection, type SendResult } from './daemon-client.js';
export { generateToken, isLoopback, MIN_TOKEN_LENGTH, normalizeOrigin } from './auth.js';
export { newPeerId, type Capability, type Peer } from './peer.js';
export { PROTOCOL_VERSION, MAX_FRAME_BYTES } from './protocol.js';
