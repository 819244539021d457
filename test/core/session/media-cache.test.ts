import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MediaCache } from '../../../src/core/session/media-cache.js';
import { readAttachment, saveMedia } from '../../../src/core/session/media.js';
import type { AttachmentRef } from '../../../src/core/store/records.js';
import { makeTempDir, type TempDir } from '../../support/temp.js';

let temp: TempDir;
beforeEach(async () => {
  temp = await makeTempDir('octo-media-cache');
});
afterEach(async () => {
  await temp.cleanup();
});

const models = { acceptsImages: () => true, acceptsVideo: () => true };
const mediaDir = (): string => path.join(temp.path, 'media');
const writer = { mediaDir };

/** A PNG by its signature, `bytes` long, different for each `n`; stored in the media folder, then deleted where it was attached from. */
async function storedImage(n: number, bytes: number): Promise<AttachmentRef> {
  const data = Buffer.alloc(bytes, n);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(data);
  const file = path.join(temp.path, `image-${n}.png`);
  await writeFile(file, data);
  const { ref } = await readAttachment(file);
  await saveMedia(mediaDir(), ref, data);
  return ref;
}

/** A data URL's length: the prefix and the base64 of the bytes. */
const urlLength = (bytes: number): number => 'data:image/png;base64,'.length + Math.ceil(bytes / 3) * 4;

describe('the media cache', () => {
  it('keeps data URLs up to its size in bytes, reading the least recently used back from the media folder', async () => {
    const refs = [await storedImage(1, 3000), await storedImage(2, 3000), await storedImage(3, 3000)];
    const cache = new MediaCache(models, { maxBytes: 2 * urlLength(3000) });
    const urls = [];
    for (const ref of refs) urls.push(await cache.load(writer, ref));
    expect(urls[0]).toMatch(/^data:image\/png;base64,iVBORw0KGgoB/);
    // With the folder gone only what is kept can be given: the two most recent, not the first.
    await rm(mediaDir(), { recursive: true });
    expect(await cache.load(writer, refs[2]!)).toBe(urls[2]);
    expect(await cache.load(writer, refs[1]!)).toBe(urls[1]);
    await expect(cache.load(writer, refs[0]!)).rejects.toThrow(/ENOENT/);
  });

  it('does not keep an attachment larger than its whole size', async () => {
    const big = await storedImage(1, 6000);
    const cache = new MediaCache(models, { maxBytes: urlLength(3000) });
    const url = await cache.load(writer, big);
    expect(url).toHaveLength(urlLength(6000));
    await rm(mediaDir(), { recursive: true });
    await expect(cache.load(writer, big)).rejects.toThrow(/ENOENT/);
  });
});
