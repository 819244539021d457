// The floor of a resume on this machine (README, "Performance"): node itself, plus reading and parsing the records a
// resumed session's context is made of and nothing else. Those are the messages still in context (after
// the last compaction in force took the older ones out: the ones it kept sit just before it), that
// compaction (its summary), and the knowledge records, which may be anywhere. The file is read whole,
// lines are found by byte search, and only those lines are parsed. Plain JavaScript, no bundle:
// `node bench/floor.mjs SESSION_FILE` prints how many records it parsed.
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import process from 'node:process';

const COMPACTION = Buffer.from('"kind":"compaction"');
const KNOWLEDGE = Buffer.from('"kind":"knowledge"');
const NEWLINE = 0x0a;

const file = process.argv[2];
if (file === undefined) throw new Error('usage: node bench/floor.mjs SESSION_FILE');
const data = readFileSync(file);

/** The line around byte `at`: its start and end offsets. */
function lineAt(at) {
  const start = data.lastIndexOf(NEWLINE, at) + 1;
  const end = data.indexOf(NEWLINE, at);
  return [start, end === -1 ? data.length : end];
}

function parse([start, end]) {
  return JSON.parse(data.subarray(start, end).toString('utf8'));
}

// The last compaction in force (not undone, not a failed attempt), and the newest seq it took out.
let compactedUpTo = 0;
for (let at = data.lastIndexOf(COMPACTION); at !== -1; at = data.lastIndexOf(COMPACTION, at - 1)) {
  const record = parse(lineAt(at));
  if (record.undone === true || record.failed !== undefined) continue;
  compactedUpTo = Math.max(0, ...record.compactedSeqs);
  break;
}

// The records after it, read from the end back.
const records = [];
let end = data[data.length - 1] === NEWLINE ? data.length - 1 : data.length;
let regionStart = data.length;
while (end > 0) {
  const start = data.lastIndexOf(NEWLINE, end - 1) + 1;
  const line = data.subarray(start, end);
  end = start - 1;
  if (line.length === 0) continue;
  const record = JSON.parse(line.toString('utf8'));
  if (record.seq <= compactedUpTo) break;
  records.push(record);
  regionStart = start;
}

// Knowledge from before them.
for (let at = data.indexOf(KNOWLEDGE); at !== -1 && at < regionStart; at = data.indexOf(KNOWLEDGE, at + 1)) {
  records.push(parse(lineAt(at)));
}
process.stdout.write(`${records.length} records\n`);
