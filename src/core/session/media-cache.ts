import { readFile } from 'node:fs/promises';
import { OctoError } from '../errors.js';
import { LruCache } from '../lru-cache.js';
import type { SessionWriter } from '../store/types.js';
import { mediaPath, readAttachment, saveMedia } from './media.js';
import type { ModelService } from '../provider/index.js';
import type { AttachmentRef } from '../store/index.js';

type ResolvedModel = ReturnType<ModelService['resolve']>;

/**
 * Data URLs kept per session for the requests that send an attachment again: a few dozen images. Past
 * it the least recently sent are read back from the media folder when needed; one larger than this
 * (a video may be 200 MB, 270 MB as base64) is never kept.
 */
const MAX_CACHED_URL_BYTES = 64 * 1024 * 1024;

export interface MediaCacheOptions {
  /** Characters of data URLs kept (one byte each: base64). */
  maxBytes?: number;
}

/**
 * A session's attachments: checked against the model, stored by hash in the session's media folder,
 * and kept as data URLs, up to a bound, for the requests that send them again.
 */
export class MediaCache {
  private readonly urls: LruCache<string, string>;

  constructor(
    private readonly models: Pick<ModelService, 'acceptsImages' | 'acceptsVideo'>,
    options: MediaCacheOptions = {},
  ) {
    this.urls = new LruCache({
      maxWeight: options.maxBytes ?? MAX_CACHED_URL_BYTES,
      weigh: (url) => url.length,
    });
  }

  /** Reads, checks and stores the files attached to a turn; their refs go into the user message. */
  async prepare(
    writer: SessionWriter,
    files: readonly string[],
    model: ResolvedModel,
  ): Promise<AttachmentRef[]> {
    const refs: AttachmentRef[] = [];
    for (const file of files) {
      const { ref, data } = await readAttachment(file);
      this.check(ref, model);
      await saveMedia(writer.mediaDir(), ref, data);
      this.urls.set(ref.sha256, dataUrl(ref, data));
      refs.push(ref);
    }
    return refs;
  }

  /** The data URL of a stored attachment (read from the media folder unless kept). */
  async load(writer: Pick<SessionWriter, 'mediaDir'>, ref: AttachmentRef): Promise<string> {
    const cached = this.urls.get(ref.sha256);
    if (cached !== undefined) return cached;
    const url = dataUrl(ref, await readFile(mediaPath(writer.mediaDir(), ref)));
    this.urls.set(ref.sha256, url);
    return url;
  }

  private check(ref: AttachmentRef, model: ResolvedModel): void {
    const key = `[providers.${model.provider.name}.models."${model.modelId}"]`;
    if (ref.type === 'video' && !this.models.acceptsVideo(model)) {
      throw new OctoError(
        'attachment_invalid',
        `${ref.name} is a video, and ${model.modelString} cannot take video. Use a video-capable model, or set ${key} video = true if it can.`,
      );
    }
    if (ref.type === 'image' && !this.models.acceptsImages(model)) {
      throw new OctoError(
        'attachment_invalid',
        `${ref.name} is an image, and ${model.modelString} is not known to take images. Set ${key} vision = true if it can.`,
      );
    }
  }
}

function dataUrl(ref: AttachmentRef, data: Buffer): string {
  return `data:${ref.mime};base64,${data.toString('base64')}`;
}
