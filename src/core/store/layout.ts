import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { OctoError } from '../errors.js';

const SESSION_FILE_SUFFIX = '.db';
/** Ids become file names: no dots, no slashes, so a hostile index cannot point outside sessions/. */
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
/** 12 base32 characters are 60 random bits: collisions are out of reach for one user's sessions. */
const ID_CHARS = 12;

/** Where each file of the store lives (docs/architecture.md "Data"). */
export class StoreLayout {
  readonly sessionsDir: string;
  readonly indexPath: string;
  readonly indexLockPath: string;

  constructor(readonly dataDir: string) {
    this.sessionsDir = path.join(dataDir, 'sessions');
    this.indexPath = path.join(dataDir, 'index.db');
    this.indexLockPath = path.join(dataDir, 'index.lock');
  }

  sessionPath(id: string): string {
    return path.join(this.sessionsDir, `${assertSafeId(id)}${SESSION_FILE_SUFFIX}`);
  }

  ownerPath(id: string): string {
    return path.join(this.sessionsDir, `${assertSafeId(id)}.owner.json`);
  }

  /** Which bytes of the session file were checked against the record schema (checked-stamp.ts). */
  checkedStampPath(id: string): string {
    return path.join(this.dataDir, 'cache', 'checked', `${assertSafeId(id)}.json`);
  }

  /** proper-lockfile's default lock path for the session file. */
  lockPath(id: string): string {
    return `${this.sessionPath(id)}.lock`;
  }

  sessionDir(id: string): string {
    return path.join(this.sessionsDir, assertSafeId(id));
  }

  mediaDir(id: string): string {
    return path.join(this.sessionDir(id), 'media');
  }

  /** The session id of a file name in sessions/, or null for anything else (`x.db~`, `x.db.torn-…`). */
  idOfFile(fileName: string): string | null {
    if (!fileName.endsWith(SESSION_FILE_SUFFIX)) return null;
    const id = fileName.slice(0, -SESSION_FILE_SUFFIX.length);
    return SAFE_ID.test(id) ? id : null;
  }
}

export function newSessionId(): string {
  const bytes = randomBytes(ID_CHARS);
  // 256 is a multiple of 32, so masking keeps every character equally likely.
  return `s_${Array.from(bytes, (b) => BASE32[b & 31]).join('')}`;
}

export function assertSafeId(id: string): string {
  if (SAFE_ID.test(id)) return id;
  throw new OctoError('session_not_found', `No session has the id ${JSON.stringify(id)}.`, {
    details: { id },
  });
}
