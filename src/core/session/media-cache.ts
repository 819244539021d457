import { readFile } from 'node:fs/promises';
import { OctoError } from '../errors.js';
import type { SessionWriter } from '../store/types.js';
import { mediaPath, readAttachment, saveMedia } from './media.js';
import type { ModelService } from '../provider/index.js';
import type { AttachmentRef } from '../store/index.js';

type ResolvedModel = ReturnType<ModelService['resolve']>;

/**
 * A session's attachments: checked against the model, stored by hash in the session's media folder,
 * and kept as data URLs for the requests that send them again.
 */
export class MediaCache {
  private readonly urls = new Map<string, string>();

  constructor(private readonly models: ModelService) {}

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

  /** The data URL of a stored attachment (read from the media folder the first time). */
  async load(writer: SessionWriter, ref: AttachmentRef): Promise<string> {
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
