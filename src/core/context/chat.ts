import type { ChatContentPart, ChatMessage, ReplayFacts } from '../provider/index.js';
import type { MediaLoader } from './request.js';
import type { MessageRecord } from '../store/index.js';
import { systemText, type Assembly } from './assemble.js';

function userContent(record: MessageRecord, urls: ReadonlyMap<string, string>): string | ChatContentPart[] {
  const attachments = record.attachments ?? [];
  if (attachments.length === 0) return record.content;
  const parts: ChatContentPart[] = [{ type: 'text', text: record.content }];
  for (const ref of attachments) {
    const url = urls.get(ref.sha256);
    if (url === undefined) continue;
    parts.push(
      ref.type === 'image'
        ? { type: 'image_url', image_url: { url } }
        : { type: 'video_url', video_url: { url } },
    );
  }
  return parts;
}

/** What the reply's own model may need back; the provider client decides what goes on the wire. */
function replayOf(record: MessageRecord): { replay?: ReplayFacts } {
  if (
    record.model === undefined ||
    (record.reasoningSource === undefined && record.reasoningDetails === undefined)
  )
    return {};
  return {
    replay: {
      model: record.model,
      reasoning: record.reasoning ?? '',
      reasoningSource: record.reasoningSource ?? null,
      reasoningDetails: record.reasoningDetails ?? null,
    },
  };
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
      const replay = replayOf(record);
      if (calls.length === 0) return { role: 'assistant', content: record.content, ...replay };
      return {
        role: 'assistant',
        content: record.content === '' ? null : record.content,
        tool_calls: calls.map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: c.arguments },
        })),
        ...replay,
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: record.toolCallId ?? '', content: record.content };
  }
}

/**
 * The request's messages, exactly: a function of the assembly (records and config) and the media
 * files they name, so that a resumed session sends what it would have sent without a restart (invariant 5 in docs/architecture.md).
 */
export async function chatMessages(assembly: Assembly, loadMedia: MediaLoader): Promise<ChatMessage[]> {
  const urls = new Map<string, string>();
  for (const ref of assembly.messages.flatMap((m) => m.attachments ?? [])) {
    if (!urls.has(ref.sha256)) urls.set(ref.sha256, await loadMedia(ref));
  }
  const chat: ChatMessage[] = [{ role: 'system', content: systemText(assembly) }];
  for (const record of assembly.messages) {
    const message = toChatMessage(record, urls);
    if (message !== null) chat.push(message);
  }
  return chat;
}
