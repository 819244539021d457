/** The checks every incoming frame passes before it is parsed, whatever the transport. */

const UTF8 = new TextDecoder('utf-8', { fatal: true });

export type Received = { ok: true; text: string } | { ok: false; message: string };

export function receiveText(data: Buffer, maxBytes: number): Received {
  if (data.length > maxBytes) {
    return {
      ok: false,
      message: `Frame too large: ${data.length} bytes; the limit is ${maxBytes} bytes. It was not read.`,
    };
  }
  try {
    return { ok: true, text: UTF8.decode(data) };
  } catch {
    // The decoder's own message names no position; this one tells the client what to fix.
    return { ok: false, message: 'A frame must be UTF-8 text; this one is not.' };
  }
}
