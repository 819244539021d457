/** Public face of the session domain: open sessions and their turn loop, listing, summaries, agents' sessions. */
export { OpenSession, type HandleDeps } from './handle.js';
export { startAgentSession } from './agent-session.js';
export { indexSummary } from './summary.js';
export { selectSessions } from './list-filter.js';
export { IndexWatch } from './list-watch.js';
export { createSessions, type SessionsDeps, type SessionsPart } from './sessions.js';
export { applyRecordsChange } from './records-change.js';
