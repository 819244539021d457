/**
 * What a terminal needs to find the process that serves a session (its daemon, or the data folder's
 * `octo server`) and to reach a daemon: a module of its own, so that `octo run --resume`, which asks on
 * every start, loads these few files and not the hub, the protocol's frame schemas and the WebSocket
 * server (README, "Performance").
 */
export { locateDaemon, FrameConnection, type Located } from './daemon-client.js';
export { readServerFile, type ServerInfo } from './server-file.js';
