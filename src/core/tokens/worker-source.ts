/**
 * The tokenizer thread, as CommonJS source evaluated by `new Worker(source, { eval: true })`. Kept as
 * text so that the same file serves the TypeScript sources (tests, tsx) and the built JavaScript. It
 * runs in a thread because tiktoken builds an encoder synchronously (about 400 ms for o200k_base) and
 * encodes synchronously: on the main thread either would freeze the screen.
 */
export const TOKENIZER_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
// On Linux a nice value belongs to a thread: this one yields to the screen's thread (echo, streaming)
// whenever both want the same core. Elsewhere it would lower the whole process, so it is left alone.
if (process.platform === 'linux') require('node:os').setPriority(19);
const { get_encoding } = require(workerData.tiktokenPath);
const encoders = new Map();
// BPE time grows with the square of a piece's length, and tiktoken's pieces are runs without spaces:
// one 100 kB base64 blob or minified line would hold the thread for minutes. Such runs are counted in
// pieces of this many characters, which moves the count by at most a token per piece.
const LONG_RUN = /\\S{257,}/;
const PIECES = /(\\S{256})/;
function countText(encoder, text) {
  if (!LONG_RUN.test(text)) return encoder.encode_ordinary(text).length;
  let total = 0;
  for (const part of text.split(PIECES)) if (part !== '') total += encoder.encode_ordinary(part).length;
  return total;
}
function encoderFor(name) {
  let encoder = encoders.get(name);
  if (encoder === undefined) {
    encoder = get_encoding(name);
    encoders.set(name, encoder);
  }
  return encoder;
}
parentPort.on('message', (job) => {
  try {
    const encoder = encoderFor(job.encoding);
    const counts = job.texts.map((text) => countText(encoder, text));
    parentPort.postMessage({ id: job.id, counts });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;
