/**
 * Runs the command line's CommonJS bundle (dist/cjs/octo.js) with a V8 code cache. Node 20 caches the
 * compiled code of its own modules but not of ours, and has no `module.enableCompileCache`: every start
 * parsed and compiled the bundles again (README, "Performance"). Here the bundle is compiled as a
 * `vm.Script`, given the code V8 produced for it in an earlier run; a run that had none, or whose cache
 * V8 rejected, writes one as it exits, holding every function the run compiled.
 *
 * The cache is code: a file V8 accepts runs as octo. So it lives in the user's private data folder
 * (`<data>/cache/code/`, 0700, files 0600), never in the package, and is used only when it is a regular
 * file of this user that nobody else may write, that starts with octo's mark and the SHA-256 of the rest,
 * and whose name is the hash of the bundle's bytes, node's version and V8's flags. A torn, truncated or
 * foreign file is ignored and replaced, and V8 checks what it is given too (its version, flags and the
 * source's length). Nothing is written when the data folder does not exist or cannot be written to, by
 * a run that failed, or with OCTO_CODE_CACHE=0.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';

/** The start of every cache file, then the SHA-256 of the payload, then V8's payload. */
const MARK = Buffer.from('octo code cache 1\n', 'latin1');
const DIGEST_BYTES = 32;
const HEADER_BYTES = MARK.length + DIGEST_BYTES;
/** A cache past this size is not one octo wrote (its bundle's is about 1.5 MB). */
const MAX_BYTES = 64 * 1024 * 1024;
/** Caches kept beside the one written: the other kinds of run (src/cli/boot.ts), and another build's. */
const KEEP = 12;

/**
 * How the build (scripts/build.mjs) wraps the bundle: as the function node would wrap a CommonJS module
 * in, strict as the ES modules it is built from (a frozen record's assignment throws). Its first line is
 * the build's banner, so the head moves no column that a source map maps.
 */
export const BUNDLE_HEAD = "(function (exports, require, module, __filename, __dirname) {'use strict';";
export const BUNDLE_TAIL = '\n})\n';

/** The process facts the cache depends on, passed in so tests can vary them. */
export interface CodeCacheContext {
  /** `<data>`, the data folder (src/core/config/paths.ts); null for no cache. */
  dataDir: string | null;
  /** Node's version, V8's flags from the command line and NODE_OPTIONS: a cache is for one of each. */
  runtime: string;
  /**
   * The kind of run (the workspace, a `-p` turn, a command): each has a cache of its own, holding
   * what such a run compiles, written by the first of its kind. One cache for all would hold only what the
   * first run compiled (a `sessions list` before any workspace), or everything (slower to read).
   */
  kind: string;
  uid: number | undefined;
}

/** The cache file for `bundle` (its bytes) under `dataDir`. */
export function cacheFile(dataDir: string, bundle: Buffer, runtime: string, kind: string): string {
  const hash = createHash('sha256').update(bundle).update('\0').update(runtime).digest('hex');
  return path.join(dataDir, 'cache', 'code', `${kind}-${hash.slice(0, 32)}.bin`);
}

/** V8's payload from `file`, or undefined when there is none or it is not one octo may trust. */
export function readCodeCache(file: string, uid: number | undefined): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size < HEADER_BYTES || stat.size > MAX_BYTES) return undefined;
    if ((uid !== undefined && stat.uid !== uid) || (stat.mode & 0o022) !== 0) return undefined;
    const bytes = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) return undefined;
      read += n;
    }
    if (!bytes.subarray(0, MARK.length).equals(MARK)) return undefined;
    const payload = bytes.subarray(HEADER_BYTES);
    const digest = createHash('sha256').update(payload).digest();
    return digest.equals(bytes.subarray(MARK.length, HEADER_BYTES)) ? payload : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `payload` as `file`, all at once (a private temporary file renamed over it), and removes the
 * caches of older builds past the few kept. Only into an existing data folder; any failure leaves
 * nothing behind and is not reported: the cache only saves time.
 */
export function writeCodeCache(dataDir: string, file: string, payload: Buffer): boolean {
  try {
    if (!statSync(dataDir).isDirectory()) return false;
  } catch {
    return false;
  }
  const dir = path.dirname(file);
  const temp = `${file}.${randomBytes(6).toString('hex')}~`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fd = openSync(temp, 'wx', 0o600);
    try {
      const digest = createHash('sha256').update(payload).digest();
      for (const part of [MARK, digest, payload]) {
        let written = 0;
        while (written < part.length) written += writeSync(fd, part, written);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch {
    rmSync(temp, { force: true });
    return false;
  }
  removeOlder(dir, path.basename(file));
  return true;
}

/** Leaves the newest KEEP caches besides `current`; temporary files of writes cut short go too. */
function removeOlder(dir: string, current: string): void {
  try {
    const names = readdirSync(dir).filter((name) => name !== current);
    const caches = names
      .filter((name) => name.endsWith('.bin'))
      .map((name) => ({ name, mtime: statSync(path.join(dir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime)
      .map(({ name }) => name);
    const stale = [...names.filter((name) => name.endsWith('~')), ...caches.slice(KEEP)];
    for (const name of stale) rmSync(path.join(dir, name), { force: true });
  } catch {
    // A folder another octo is cleaning at the same moment: the next write tidies up.
  }
}

/** How the bundle was loaded: no cache wanted, the cache used, one V8 rejected, or none found. */
export type CacheUse = 'off' | 'used' | 'rejected' | 'none';

export interface CompiledBundle {
  script: Script;
  use: CacheUse;
  /** Writes the code compiled so far as the cache (what `runBundle` does at exit); false if it did not. */
  save: () => boolean;
}

/** Compiles the CommonJS bundle `bundleFile` as a module's function, with its code cache if it has one. */
export function compileBundle(bundleFile: string, context: CodeCacheContext): CompiledBundle {
  const bytes = readFileSync(bundleFile);
  const { dataDir } = context;
  const file = dataDir === null ? null : cacheFile(dataDir, bytes, context.runtime, context.kind);
  const cached = file === null ? undefined : readCodeCache(file, context.uid);
  // The build keeps the bundle ASCII (scripts/build.mjs): latin1 is the cheap exact decoding, and
  // V8 keeps one byte per character. The build wrote the module's function around it too: a wrapper
  // added here would make a second string V8 copies whole (2 MB) before compiling.
  const source = bytes.toString('latin1');
  if (!source.startsWith(BUNDLE_HEAD) || !source.endsWith(BUNDLE_TAIL))
    throw new Error(`${bundleFile} is not the module function scripts/build.mjs writes: run npm run build`);
  const script = new Script(source, {
    filename: bundleFile,
    cachedData: cached,
  });
  const use: CacheUse =
    file === null
      ? 'off'
      : cached === undefined
        ? 'none'
        : script.cachedDataRejected === true
          ? 'rejected'
          : 'used';
  const save = (): boolean => {
    if (dataDir === null || file === null) return false;
    try {
      return writeCodeCache(dataDir, file, script.createCachedData());
    } catch {
      return false;
    }
  };
  return { script, use, save };
}

/**
 * Runs the CommonJS bundle `bundleFile` as node would run it as a module, with the code cache when
 * there is one; without one (or with one V8 rejected) the cache is written as the process exits, if it
 * succeeded: a refused command leaves nothing behind (docs/faults.md rows 7 and 8), and compiled little.
 */
export function runBundle(bundleFile: string, context: CodeCacheContext): CacheUse {
  const { script, use, save } = compileBundle(bundleFile, context);
  if (use === 'none' || use === 'rejected') {
    process.once('exit', (code) => {
      if (code === 0) save();
    });
  }
  const wrapper = script.runInThisContext() as (
    exports: object,
    require: NodeJS.Require,
    module: { exports: object },
    filename: string,
    dirname: string,
  ) => void;
  const module = { exports: {} };
  wrapper.call(
    module.exports,
    module.exports,
    createRequire(bundleFile),
    module,
    bundleFile,
    path.dirname(bundleFile),
  );
  return use;
}
