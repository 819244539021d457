import type { AttachmentRef } from '../store/index.js';

/** Loads an attachment's bytes as a data URL (cached by the caller). */
export type MediaLoader = (ref: AttachmentRef) => Promise<string>;

export function defaultSystemPrompt(projectDir: string): string {
  return [
    'You are octo, an AI assistant for software development working in a terminal workspace.',
    `The project directory is ${projectDir}. Tools take paths relative to it.`,
    'Be precise and concise. Use the tools to look at files before making claims about them.',
  ].join('\n');
}
