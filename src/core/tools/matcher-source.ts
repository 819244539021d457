/**
 * The pattern thread, as CommonJS source evaluated by `new Worker(source, { eval: true })` (kept as text
 * so the same file serves the TypeScript sources and the bundle, as the tokenizer's does). A pattern
 * from the model is tested here, never on the main thread: V8's regular expressions backtrack, and one
 * like `(a+)+$` over a line of `aaaa…!` runs for minutes without yielding, which on the main thread
 * would freeze the screen and keep even SIGTERM's handler from running. Here the main thread kills it.
 *
 * workerData: { kind: 'regex', source, flags } or { kind: 'glob', pattern, ignorePath }.
 * Messages in: { id, texts }; out: { id, hit } for each match as soon as it is found (so what was found
 * before a stuck line survives the kill), then { id, done: true }.
 */
export const MATCHER_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
let test;
if (workerData.kind === 'regex') {
  const regex = new RegExp(workerData.source, workerData.flags);
  test = (text) => {
    regex.lastIndex = 0;
    return regex.test(text);
  };
} else {
  const ignore = require(workerData.ignorePath);
  const matcher = ignore().add(workerData.pattern);
  test = (text) => matcher.ignores(text);
}
parentPort.on('message', (job) => {
  for (let i = 0; i < job.texts.length; i += 1) {
    if (test(job.texts[i])) parentPort.postMessage({ id: job.id, hit: i });
  }
  parentPort.postMessage({ id: job.id, done: true });
});
`;
