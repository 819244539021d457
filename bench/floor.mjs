// The floor of a resume on this machine (issue 15): node itself, plus reading and parsing the records a
// resumed session must hold, that is those from its last compaction on (the summary, and the messages
// that are sent and shown). The file is read backwards from its end in blocks until that compaction's
// line is found; nothing older is read. Plain JavaScript, no bundle: run as `node bench/floor.mjs FILE`.
import { Buffer } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import process from 'node:process';

const BLOCK = 64 * 1024;
const COMPACTION = Buffer.from('"kind":"compaction"');

const file = process.argv[2];
if (file === undefined) throw new Error('usage: node bench/floor.mjs SESSION_FILE');
const fd = openSync(file, 'r');
const size = fstatSync(fd).size;
let tail = Buffer.alloc(0);
let start = size;
let found = -1;
while (start > 0 && found === -1) {
  const from = Math.max(0, start - BLOCK);
  const block = Buffer.alloc(start - from);
  readSync(fd, block, 0, block.length, from);
  tail = Buffer.concat([block, tail]);
  start = from;
  found = lastCompactionLine(tail);
}
closeSync(fd);
const records = [];
for (const line of tail.subarray(Math.max(found, 0)).toString('utf8').split('\n'))
  if (line !== '') records.push(JSON.parse(line));
process.stdout.write(`${records.length} records\n`);

/** Where the line of the last compaction that is in force (not undone, not failed) starts, or -1. */
function lastCompactionLine(data) {
  for (let at = data.lastIndexOf(COMPACTION); at !== -1; at = data.lastIndexOf(COMPACTION, at - 1)) {
    const lineStart = data.lastIndexOf(0x0a, at) + 1;
    // A line cut by the block boundary is read whole with the next block.
    if (lineStart === 0 && start > 0) return -1;
    const end = data.indexOf(0x0a, at);
    const record = JSON.parse(data.subarray(lineStart, end === -1 ? data.length : end).toString('utf8'));
    if (record.undone !== true && record.failed === undefined) return lineStart;
  }
  return -1;
}
