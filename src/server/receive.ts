/** The checks every incoming frame passes before it is parsed, whatever the transport. */

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Why a frame was not even parsed; the `code` of its error frame. */
export type UnreadCode = 'frame_too_large' | 'invalid_utf8' | 'binary_frame';

export type Received = { ok: true; text: string } | { ok: false; code: UnreadCode; message: string };

export function tooLarge(bytes: number, maxBytes: number): Received {
  return {
    ok: false,
    code: 'frame_too_large',
    message: `Frame too large: ${bytes} bytes; the limit is ${maxBytes} bytes. It was not read.`,
  };
}

export const BINARY_FRAME: Received = {
  ok: false,
  code: 'binary_frame',
  message: 'Binary frames are not accepted; send JSON text frames.',
};

export function receiveText(data: Buffer, maxBytes: number): Received {
  if (data.length > maxBytes) return tooLarge(data.length, maxBytes);
  try {
    return { ok: true, text: UTF8.decode(data) };
  } catch {
    // The decoder's own message names no position; this one tells the client what to fix.
    return { ok: false, code: 'invalid_utf8', message: 'A frame must be UTF-8 text; this one is not.' };
  }
}
