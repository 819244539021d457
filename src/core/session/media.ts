import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, OctoError } from '../errors.js';
import type { AttachmentKind, AttachmentRef } from '../store/index.js';

/** Providers reject larger images; refusing early explains why. */
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
const MAX_VIDEO_BYTES = 200 * 1024 * 1024;

interface MediaType {
  ext: string;
  mime: string;
  type: AttachmentKind;
  matches(head: Buffer): boolean;
}

const ascii = (head: Buffer, offset: number, text: string): boolean =>
  head.subarray(offset, offset + text.length).toString('latin1') === text;

const MEDIA_TYPES: readonly MediaType[] = [
  { ext: 'png', mime: 'image/png', type: 'image', matches: (h) => ascii(h, 1, 'PNG') && h[0] === 0x89 },
  {
    ext: 'jpg',
    mime: 'image/jpeg',
    type: 'image',
    matches: (h) => h[0] === 0xff && h[1] === 0xd8 && h[2] === 0xff,
  },
  { ext: 'gif', mime: 'image/gif', type: 'image', matches: (h) => ascii(h, 0, 'GIF8') },
  {
    ext: 'webp',
    mime: 'image/webp',
    type: 'image',
    matches: (h) => ascii(h, 0, 'RIFF') && ascii(h, 8, 'WEBP'),
  },
  { ext: 'mov', mime: 'video/quicktime', type: 'video', matches: (h) => ascii(h, 4, 'ftypqt') },
  { ext: 'mp4', mime: 'video/mp4', type: 'video', matches: (h) => ascii(h, 4, 'ftyp') },
  { ext: 'webm', mime: 'video/webm', type: 'video', matches: (h) => h.readUInt32BE(0) === 0x1a45dfa3 },
];

function invalid(file: string, reason: string, cause?: unknown): OctoError {
  return new OctoError('attachment_invalid', `Cannot attach ${file}: ${reason}`, {
    cause,
    details: { file },
  });
}

/** Identifies a file by its content (not its name) as one of the image or video types octo can send. */
export async function readAttachment(file: string): Promise<{ ref: AttachmentRef; data: Buffer }> {
  const info = await stat(file).catch((error: unknown) => {
    throw invalid(file, errnoCode(error) === 'ENOENT' ? 'no such file' : 'cannot read it', error);
  });
  if (!info.isFile()) throw invalid(file, 'not a regular file');
  const data = await readFile(file);
  const media = data.length >= 12 ? MEDIA_TYPES.find((t) => t.matches(data)) : undefined;
  if (media === undefined) {
    throw invalid(file, 'not a supported image (png, jpeg, gif, webp) or video (mp4, mov, webm)');
  }
  const limit = media.type === 'image' ? MAX_IMAGE_BYTES : MAX_VIDEO_BYTES;
  if (data.length > limit) throw invalid(file, `larger than ${limit / 1024 / 1024} MiB`);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const ref: AttachmentRef = {
    sha256,
    ext: media.ext,
    mime: media.mime,
    type: media.type,
    name: path.basename(file),
    bytes: data.length,
  };
  return { ref, data };
}

export function mediaPath(mediaDir: string, ref: Pick<AttachmentRef, 'sha256' | 'ext'>): string {
  return path.join(mediaDir, `${ref.sha256}.${ref.ext}`);
}

/** Stores the bytes by hash (once), readable only by the user. */
export async function saveMedia(mediaDir: string, ref: AttachmentRef, data: Buffer): Promise<string> {
  await mkdir(mediaDir, { recursive: true, mode: 0o700 });
  const target = mediaPath(mediaDir, ref);
  try {
    await writeFile(target, data, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (errnoCode(error) !== 'EEXIST') throw error;
  }
  return target;
}
