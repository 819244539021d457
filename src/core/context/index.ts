/** What is sent to the model: assembly, measure, pressure levels, compression, knowledge, limits. */
export { activeCompactions, assemble, messagesInContext, systemText, type Assembly } from './assemble.js';
export { chatMessages } from './chat.js';
export { COMPRESSION_INSTRUCTIONS, PARTS_HEADING, TRANSCRIPT_HEADING, summaryMessages } from './compress.js';
export type { CompactionOutcome } from './compaction.js';
export { knowledgeEntries, normalizeKnowledge } from './knowledge.js';
export { levelPassed, nextCompactionAt, pressureLevels, usableWindow, type PressureLevel } from './levels.js';
export { MESSAGE_OVERHEAD, TOKENS_PER_IMAGE, messageText, type Measured } from './measure.js';
export { cutPoints, latestTurnStart, planCompaction } from './plan.js';
export { SessionContext, type PreparedRequest, type SessionContextDeps } from './session-context.js';
export { parseSummaryReply, renderSummary } from './summary-format.js';
export { defaultSystemPrompt } from './request.js';
