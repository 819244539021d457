/** Public face of the tools domain: built-in developer tools, the tool set, and the approval policy. */
import { editFileTool } from './edit-file.js';
import { listDirTool } from './list-dir.js';
import { listFilesTool } from './list-files.js';
import { readFileTool } from './read-file.js';
import { createShellTool } from './run-shell.js';
import { searchTextTool } from './search-text.js';
import { shellJobOutputTool, type ShellJobs } from './shell-jobs.js';
import type { ShellSettings, Tool } from './types.js';
import { writeFileTool } from './write-file.js';

export type {
  Tool,
  ToolAccess,
  ToolContext,
  ToolResult,
  Prepared,
  ShellSettings,
  ChildNotes,
  ApprovalAnswer,
  ApprovalCategory,
  ApprovalKind,
  ApprovalRequest,
} from './types.js';
export { APPROVAL_CATEGORIES } from './types.js';
export { createToolSet, type ToolSet, type ToolSetOptions, type ToolSource } from './tool-set.js';
export { defineTool, failure } from './define.js';
export { confinePath, confineNewPath } from './confine.js';
export { Approvals } from './approvals.js';
export { ApprovalGate, type ApprovalMode, type GateOptions } from './approval-gate.js';
export { TrustStore, stableHash } from './trust-store.js';
export { configLayers, NO_LAYERS, tableAt, type ConfigLayers, type ConfigLayer } from './config-layers.js';
export { ToolSettings, projectToolSettings, type ProjectToolSettings } from './tool-settings.js';
export { spawnGroup, KILL_GRACE_MS, type GroupProcess, type Exit } from './process-group.js';
export { ChildRegistry, CHILDREN_DIR, processStart } from './child-registry.js';
export { WATCHDOG_NAME } from './watchdog.js';
export { serverEnv, shellEnv } from './child-env.js';
export {
  ShellJobs,
  shellJobOutputTool,
  formatShellJob,
  type ShellJobHandle,
  type ShellJobOutput,
  type StartShellJob,
} from './shell-jobs.js';

/** The tools that only look: free to run, and what the built-in context_gatherer agent gets. */
export const READ_ONLY_TOOLS: readonly Tool[] = [readFileTool, listDirTool, listFilesTool, searchTextTool];

/**
 * Every built-in tool; the shell tool reads its settings at each call. With `background`, run_shell can
 * start jobs and shell_job_output reads them.
 */
export function builtinTools(shell: () => ShellSettings, background?: ShellJobs): Tool[] {
  const tools = [...READ_ONLY_TOOLS, writeFileTool, editFileTool, createShellTool(shell, background)];
  return background === undefined ? tools : [...tools, shellJobOutputTool(background)];
}
