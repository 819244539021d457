import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { FakeRecording, FakeReply } from './fake-provider-types.js';

/** A data line that no JSON parser accepts. */
const MALFORMED_LINE = 'data: {"choices": [{"delta": {"content": "oops"\n\n';

/**
 * Streams `chunks` as server-sent events, applying the reply's scripted faults. The fault counters
 * count chunks already sent, so `stallAfter: 1` sends exactly one chunk and then goes quiet.
 */
export async function writeSse(response: ServerResponse, chunks: unknown[], reply: FakeReply): Promise<void> {
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  response.flushHeaders();
  response.socket?.setNoDelay(true);
  for (let sent = 0; sent <= chunks.length; sent += 1) {
    if (response.destroyed) return;
    if (reply.stallAfter === sent) return;
    if (reply.gateAfter === sent && reply.gate !== undefined) await reply.gate;
    if (reply.closeAfter === sent) {
      response.socket?.destroy();
      return;
    }
    if (reply.malformedAfter === sent) await write(response, MALFORMED_LINE);
    const chunk = chunks[sent];
    if (chunk === undefined) break;
    await write(response, `data: ${JSON.stringify(chunk)}\n\n`);
    if (reply.chunkDelayMs !== undefined && sent < chunks.length - 1) await delay(reply.chunkDelayMs);
  }
  if (reply.omitDone !== true) response.write('data: [DONE]\n\n');
  response.end();
}

/** Resolves once the text is handed to the kernel, so a scripted close cannot discard it. */
function write(response: ServerResponse, text: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    response.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

/** Network reads end anywhere: mid-line, mid-character. A prime keeps the cuts from lining up. */
const RECORDING_PIECE_BYTES = 97;

/** Replays a recorded body byte for byte, in pieces, then ends it (as the recording did). */
export async function writeRecording(response: ServerResponse, step: FakeRecording): Promise<void> {
  response.writeHead(step.status ?? 200, { 'content-type': step.contentType ?? 'text/event-stream' });
  response.flushHeaders();
  response.socket?.setNoDelay(true);
  const body = typeof step.recording === 'string' ? Buffer.from(step.recording, 'utf8') : step.recording;
  const size = step.pieceBytes ?? RECORDING_PIECE_BYTES;
  for (let at = 0; at < body.length && !response.destroyed; at += size) {
    await write(response, body.subarray(at, at + size));
  }
  response.end();
}
