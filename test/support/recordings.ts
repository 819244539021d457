/** Recorded provider responses (test/fixtures/providers/, sources in its README), ready to replay. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FakeRecording } from './fake-provider-types.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures', 'providers');

/** The bytes of a recording, e.g. `recordingBytes('deepseek/reasoner-tool-call.sse')`. */
export function recordingBytes(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

/** A recording as a fake provider step: replayed verbatim as an event stream (or as `contentType`). */
export function recording(name: string, options: Omit<FakeRecording, 'recording'> = {}): FakeRecording {
  return { recording: recordingBytes(name), ...options };
}

/** The JSON of every `data:` event of a recording but `[DONE]`, for computing what a test expects. */
export function recordedChunks(name: string): unknown[] {
  return recordingBytes(name)
    .toString('utf8')
    .split(/\n\n/)
    .flatMap((event) => event.split('\n').filter((line) => line.startsWith('data: ')))
    .map((line) => line.slice('data: '.length))
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data) as unknown);
}
