/**
 * The client layer: a workspace whose sessions another octo process holds and serves (`octo attach`).
 * The CLI builds it and hands it to the TUI, which drives it like any workspace; it imports only the
 * core (the layer rule in docs/architecture.md).
 */
export { AttachedWorkspace, type Holder } from './attached-workspace.js';
export { DEFAULT_TIMEOUTS, type Frame, type FrameChannel, type LinkTimeouts } from './link.js';
export { openWsChannel } from './ws-channel.js';
