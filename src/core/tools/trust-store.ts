import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import * as z from 'zod';
import { errnoCode, OctoError } from '../errors.js';
import { replaceFile } from '../replace-file.js';
import { lazily } from '../lazy.js';

const TRUST_FILE = 'trust.json';

const fileSchema = lazily(() =>
  z.object({
    version: z.literal(1),
    /** key (project dir, kind and name) → hash of what was approved. */
    approved: z.record(z.string(), z.object({ hash: z.string(), at: z.string() })),
  }),
);
type TrustFile = z.infer<ReturnType<typeof fileSchema>>;

/** A stable hash of a JSON value (object keys sorted), so re-ordering a TOML table is not a change. */
export function stableHash(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (typeof v === 'object' && v !== null) {
      return Object.fromEntries(
        Object.entries(v)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, x]) => [k, canonical(x)]),
      );
    }
    return v;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

/**
 * Approvals of what a project's config asks (docs/faults.md rows 31 and 32), kept in the data folder (0600):
 * a project's provider, model, MCP server or tool setting is used only when the hash of exactly what
 * the user approved matches.
 */
export class TrustStore {
  private cache: TrustFile | null = null;

  constructor(
    private readonly dataDir: string,
    private readonly now: () => number,
  ) {}

  static key(projectDir: string, kind: string, name: string): string {
    return `${TrustStore.projectPrefix(projectDir)}${kind}\u0000${name}`;
  }

  static projectPrefix(projectDir: string): string {
    return `${projectDir}\u0000`;
  }

  async isTrusted(key: string, hash: string): Promise<boolean> {
    return (await this.recorded(key)) === hash;
  }

  /** The hash approved under `key`, or null when nothing was. */
  async recorded(key: string): Promise<string | null> {
    return (await this.load()).approved[key]?.hash ?? null;
  }

  async trust(key: string, hash: string): Promise<void> {
    await this.change((data) => {
      data.approved[key] = { hash, at: new Date(this.now()).toISOString() };
    });
  }

  /** Forgets every approval whose key starts with `prefix` (a project's: `projectPrefix`); how many. */
  async forget(prefix: string): Promise<number> {
    let count = 0;
    await this.change((data) => {
      for (const key of Object.keys(data.approved).filter((k) => k.startsWith(prefix))) {
        delete data.approved[key];
        count += 1;
      }
    });
    return count;
  }

  /** Reads the file again first, so an approval another process saved meanwhile is kept. */
  private async change(edit: (data: TrustFile) => void): Promise<void> {
    this.cache = null;
    const data = await this.load();
    edit(data);
    await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    await replaceFile(path.join(this.dataDir, TRUST_FILE), `${JSON.stringify(data, null, 2)}\n`);
  }

  private async load(): Promise<TrustFile> {
    if (this.cache !== null) return this.cache;
    const file = path.join(this.dataDir, TRUST_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT')
        throw new OctoError('store_io', `Cannot read ${file}`, { cause: error });
      this.cache = { version: 1, approved: {} };
      return this.cache;
    }
    const parsed = fileSchema().safeParse(parseJson(text));
    // A damaged file approves nothing: asking again is safe, trusting garbage is not.
    this.cache = parsed.success ? parsed.data : { version: 1, approved: {} };
    return this.cache;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}
