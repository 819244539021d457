/** Public face of the jobs domain: background jobs (agents, schedules), tracked with tokens and cost. */
export { JobManager, type RunningJob } from './job-manager.js';
export {
  AgentRunner,
  type AgentRunnerDeps,
  type AgentSession,
  type AgentSessionInit,
  type StartAgentSession,
} from './agent-runner.js';
export { agentList, agentTool, CONTEXT_GATHERER, AGENT_TOOL_PREFIX } from './agents.js';
export { Scheduler, MIN_EVERY_MS, MAX_DELAY_MS, type ScheduleTarget } from './schedules.js';
export { trackCompressions, compressionTitle } from './compression-jobs.js';
export { parseDuration, formatDuration } from './duration.js';
export type { JobInfo, JobKind, JobStatus, ScheduleInfo } from './types.js';
