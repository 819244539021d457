import type { ChatContentPart, ChatMessage } from '../provider/types.js';
import type { AttachmentRef, MessageRecord, SessionRecord } from './types.js';

/** Loads an attachment's bytes as a data URL (cached by the caller). */
export type MediaLoader = (ref: AttachmentRef) => Promise<string>;

function userContent(record: MessageRecord, urls: ReadonlyMap<string, string>): string | ChatContentPart[] {
  const attachments = record.attachments ?? [];
  if (attachments.length === 0) return record.content;
  const parts: ChatContentPart[] = [{ type: 'text', text: record.content }];
  for (const ref of attachments) {
    const url = urls.get(ref.sha256);
    if (url === undefined) continue;
    parts.push(
      ref.type === 'image' ? { type: 'image_url', image_url: { url } } : { type: 'video_url', video_url: { url } },
    );
  }
  return parts;
}

function toChatMessage(record: MessageRecord, urls: ReadonlyMap<string, string>): ChatMessage | null {
  switch (record.role) {
    case 'system':
      return { role: 'system', content: record.content };
    case 'user':
      return { role: 'user', content: userContent(record, urls) };
    case 'assistant': {
      const calls = record.toolCalls ?? [];
      // An interrupted reply that streamed nothing says nothing to the model.
      if (calls.length === 0 && record.content === '') return null;
      if (calls.length === 0) return { role: 'assistant', content: record.content };
      return {
        role: 'assistant',
        content: record.content === '' ? null : record.content,
        tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: record.toolCallId ?? '', content: record.content };
  }
}

/** The messages of the records still in context, in seq order. */
export function contextMessages(records: readonly SessionRecord[]): MessageRecord[] {
  return records.filter((r): r is MessageRecord => r.kind === 'message' && r.inContext);
}

/**
 * Exactly what goes to the model, built only from stored records, so that a resumed session sends
 * what it would have sent without a restart (invariant 5).
 */
export async function buildChatMessages(
  systemPrompt: string,
  records: readonly SessionRecord[],
  loadMedia: MediaLoader,
): Promise<ChatMessage[]> {
  const messages = contextMessages(records);
  const refs = messages.flatMap((m) => m.attachments ?? []);
  const urls = new Map<string, string>();
  for (const ref of refs) if (!urls.has(ref.sha256)) urls.set(ref.sha256, await loadMedia(ref));
  const chat: ChatMessage[] = [{ role: 'system', content: systemPrompt }];
  for (const record of messages) {
    const message = toChatMessage(record, urls);
    if (message !== null) chat.push(message);
  }
  return chat;
}

export function defaultSystemPrompt(projectDir: string): string {
  return [
    'You are octo, an AI assistant for software development working in a terminal workspace.',
    `The project directory is ${projectDir}. Tools take paths relative to it.`,
    'Be precise and concise. Use the tools to look at files before making claims about them.',
  ].join('\n');
}
