import type { OctoConfig } from '../config/index.js';
import { OctoError } from '../errors.js';
import { BUILTIN_PROVIDERS } from '../provider/index.js';
import { TrustStore, type ConfigLayers } from '../tools/index.js';
import { trustedConfig } from './effective.js';
import type { TrustEntry, TrustItem, TrustKind, TrustStatus } from './types.js';

/** Key kinds in trust.json; the two older ones keep approvals given before all kinds were one mechanism. */
const STORE_KIND: Record<TrustKind, string> = {
  provider: 'provider',
  model: 'model',
  mcpServer: 'mcpServer',
  tools: 'projectSetting',
  trash: 'trash',
};

export interface ProjectTrustInput {
  store: TrustStore;
  projectDir: string;
  /** The project's `.octo/config.toml`, for messages. */
  projectFile: string;
  items: readonly TrustItem[];
  layers: ConfigLayers;
  merged: OctoConfig;
}

/**
 * One mechanism for everything a project's config asks that reaches outside the repository
 * (docs/faults.md rows 31 and 32): each item is used only once approved, per project and per content hash. Until
 * then the configuration in force is the one without it, and whoever runs it (the MCP manager, the
 * tool settings, the model service) checks here on every use, so an approval applies at once.
 */
export class ProjectTrust {
  private readonly forRun = new Set<string>();
  private readonly declinedIds = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private current: OctoConfig;

  private constructor(
    private readonly input: ProjectTrustInput,
    /** The hash trust.json holds for each item, null when none. */
    private readonly recorded: Map<string, string | null>,
  ) {
    this.current = this.compute();
  }

  static async open(input: ProjectTrustInput): Promise<ProjectTrust> {
    const recorded = new Map<string, string | null>();
    for (const item of input.items)
      recorded.set(item.id, await input.store.recorded(storeKey(input.projectDir, item)));
    return new ProjectTrust(input, recorded);
  }

  get projectFile(): string {
    return this.input.projectFile;
  }

  /** Everything the project asks, approved or not, with its status. */
  entries(): TrustEntry[] {
    return this.input.items.map(({ strip: _strip, ...item }) => {
      const remembered = this.recorded.get(item.id) === item.hash;
      const status: TrustStatus =
        remembered || this.forRun.has(item.id)
          ? 'approved'
          : this.recorded.get(item.id) === null
            ? 'new'
            : 'changed';
      return {
        ...item,
        status,
        approvedFor: remembered ? 'project' : this.forRun.has(item.id) ? 'run' : null,
        declined: this.declinedIds.has(item.id),
      };
    });
  }

  /** What is not approved: nothing of it is used. */
  pending(): TrustEntry[] {
    return this.entries().filter((entry) => entry.status !== 'approved');
  }

  isApproved(id: string): boolean {
    const item = this.input.items.find((i) => i.id === id);
    // What the project does not ask about needs no approval.
    return item === undefined || this.recorded.get(id) === item.hash || this.forRun.has(id);
  }

  isDeclined(id: string): boolean {
    return this.declinedIds.has(id);
  }

  /** The configuration in force: the project's unapproved settings left out. */
  config(): OctoConfig {
    return this.current;
  }

  /**
   * A provider only the project's file defines cannot stand in for the user's while unapproved: using
   * it is refused with what it would do and how to approve it.
   */
  refuseProvider(provider: string): OctoError | null {
    const entry = this.pending().find((e) => e.kind === 'provider' && e.name === provider);
    // While unapproved, the user's own definition (or octo's built-in one) stands in.
    if (entry === undefined || Object.hasOwn(BUILTIN_PROVIDERS, provider)) return null;
    if (this.current.providers[provider]?.base_url !== undefined) return null;
    return new OctoError(
      'trust_required',
      `The provider ${provider} comes from ${this.input.projectFile} and is not approved: it ${entry.summary}. ` +
        'Approve it in the workspace or with `octo trust`.',
      { details: { provider, setting: entry.setting } },
    );
  }

  /** Approves items (all pending ones when `ids` is absent): remembered for the project, or for this run. */
  async approve(options: { ids?: readonly string[]; remember: boolean }): Promise<void> {
    const ids = options.ids ?? this.pending().map((e) => e.id);
    const items = this.input.items.filter((item) => ids.includes(item.id));
    for (const item of items) {
      this.forRun.add(item.id);
      this.declinedIds.delete(item.id);
    }
    this.changed();
    if (!options.remember) return;
    for (const item of items) {
      await this.input.store.trust(storeKey(this.input.projectDir, item), item.hash);
      this.recorded.set(item.id, item.hash);
    }
  }

  /** The user said no: nothing changes but the reason shown, and the workspace asks again next time. */
  decline(ids: readonly string[]): void {
    for (const id of ids) this.declinedIds.add(id);
    this.changed();
  }

  /** Forgets every approval of this project (`octo trust --revoke`); how many were remembered. */
  async revoke(): Promise<number> {
    const count = await this.input.store.forget(TrustStore.projectPrefix(this.input.projectDir));
    for (const id of this.recorded.keys()) this.recorded.set(id, null);
    this.forRun.clear();
    this.changed();
    return count;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.current = this.compute();
    for (const listener of [...this.listeners]) listener();
  }

  private compute(): OctoConfig {
    const strip = this.input.items.filter((item) => !this.isApproved(item.id)).flatMap((item) => item.strip);
    return trustedConfig(this.input.layers, this.input.merged, strip);
  }
}

function storeKey(projectDir: string, item: TrustItem): string {
  return TrustStore.key(projectDir, STORE_KIND[item.kind], item.name);
}
