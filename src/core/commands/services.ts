import type { McpServerConfig } from '../config/index.js';
import type { JobInfo, ScheduleInfo, ScheduleTarget } from '../jobs/index.js';
import type { McpServerInfo } from '../mcp/index.js';

/** The workspace services behind /mcp, /schedule and /jobs (wired by createWorkspace). */
export interface CommandServices {
  mcp: {
    list(): McpServerInfo[];
    add(spec: McpServerConfig): boolean;
    spec(name: string): { spec: McpServerConfig; origin: McpServerInfo['origin'] } | null;
    approve(name: string): Promise<boolean>;
    restart(name: string): Promise<boolean>;
    /** Appends the server to the user config file; the reason when it cannot. */
    persist(spec: McpServerConfig): Promise<string | null>;
  };
  schedules: {
    add(target: ScheduleTarget, kind: 'in' | 'every', ms: number, text: string): ScheduleInfo;
    list(sessionId?: string): ScheduleInfo[];
    cancel(id: string): boolean;
  };
  jobs: {
    list(): JobInfo[];
    cancel(id: string): boolean;
  };
}
