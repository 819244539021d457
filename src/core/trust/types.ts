/** The trust domain's leaf contract: what a project asks and what the user said (api.ts imports it). */
export type TrustKind = 'provider' | 'model' | 'mcpServer' | 'tools' | 'trash';

/** A key path into the project file's table (array elements by index). */
export type KeyPath = ReadonlyArray<string | number>;

/** One thing a project's config asks for, described exactly, and what to leave out while it is not approved. */
export interface TrustItem {
  /** `kind:name`, unique in a project: `provider:openai`, `model:agents.reviewer`, `mcpServer:fs`. */
  id: string;
  kind: TrustKind;
  name: string;
  /** Where in the file: `providers.openai`, `agents.reviewer.model`, `mcp.servers.fs`. */
  setting: string;
  /** One line saying what it makes octo do, e.g. "sends AWS_SECRET_ACCESS_KEY and your prompts to http://…". */
  summary: string;
  /** The values as the project wrote them. */
  values: Record<string, unknown>;
  /** Of `values`: a changed setting is asked about again. */
  hash: string;
  /** Removed from the project's table while not approved (servers and tools are held back where they run). */
  strip: KeyPath[];
}

/**
 * approved: the user approved exactly this (remembered, or for this run); new: never approved;
 * changed: approved once, and the project's file has changed it since.
 */
export type TrustStatus = 'approved' | 'new' | 'changed';

export interface TrustEntry extends Omit<TrustItem, 'strip'> {
  status: TrustStatus;
  /** Approved for this project (remembered) or only for this run; null when not approved. */
  approvedFor: 'project' | 'run' | null;
  /** The user said no in this run (the workspace asks again next time). */
  declined: boolean;
}
