/**
 * docs/faults.md rows 3 and 36: a zero-byte session file opens as empty; a record that is
 * valid JSON but not a record of the schema refuses its session, naming the file and the line, and
 * leaves the file untouched; nothing crashes.
 */
import { readFile, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '../../src/core/api.js';
import { useOctoHome, type OctoResult } from './support.js';

const e2e = useOctoHome();
const STACK_LINE = /^\s+at /m;

async function sessionFile(name: string): Promise<string> {
  const shown = await e2e.home.run(['sessions', 'show', name, '--json']);
  expect(shown.code).toBe(0);
  const { session } = JSON.parse(shown.stdout) as { session: { id: string } };
  return path.join(e2e.home.dataDir, 'sessions', `${session.id}.db`);
}

async function oneTurn(name: string, prompt = 'hello'): Promise<OctoResult> {
  e2e.fake.enqueue({ text: 'Answer.' });
  return e2e.home.run(['run', '--name', name, '-p', prompt]);
}

function expectRefusal(result: OctoResult, file: string, line: number, field: string): void {
  expect(result.code).toBe(1);
  expect(result.stderr).not.toMatch(STACK_LINE);
  expect(result.stderr).not.toContain('internal error');
  expect(result.stderr).toContain(`${file} is damaged at line ${line} (${field}`);
  expect(result.stderr).toContain('left unchanged');
}

/** Each test runs the binary several times, a fresh node process each. */
describe('damaged session files (issue 11 item 6)', { timeout: 90_000 }, () => {
  it('opens a zero-byte session file as an empty session with its name and model (docs/faults.md row 3)', async () => {
    expect((await oneTurn('zero')).code).toBe(0);
    const file = await sessionFile('zero');
    await truncate(file, 0);

    const doctor = await e2e.home.run(['doctor']);
    expect(doctor.stdout).toContain(`${file} is empty`);

    e2e.fake.enqueue({ text: 'Fresh start.' });
    const resumed = await e2e.home.run(['run', '--resume', 'zero', '-p', 'still there?']);
    expect(resumed).toMatchObject({ code: 0, stdout: 'Fresh start.\n' });
    expect(resumed.stderr).toContain(`warning: ${file}: the session file was empty`);
    expect(e2e.fake.requests.at(-1)?.body.model).toBe('fake-model');

    const shown = await e2e.home.run(['sessions', 'show', 'zero', '--json']);
    expect(shown.code).toBe(0);
    const { session, records } = JSON.parse(shown.stdout) as {
      session: { name: string; model: string };
      records: SessionRecord[];
    };
    expect(session).toMatchObject({ name: 'zero', model: 'test:fake-model' });
    expect(records.map((r) => (r.kind === 'message' ? r.content : r.kind))).toEqual([
      'command',
      'still there?',
      'Fresh start.',
    ]);
    expect((await e2e.home.run(['doctor'])).stdout).not.toContain(`${file} is empty`);
  });

  it.each([
    ['lacks a field', (line: Record<string, unknown>) => ({ ...line, content: undefined }), 'content'],
    ['has a wrong type', (line: Record<string, unknown>) => ({ ...line, inContext: 'yes' }), 'inContext'],
    ['is of no known kind', (line: Record<string, unknown>) => ({ ...line, kind: 'mystery' }), 'kind'],
  ])(
    'refuses a session whose record %s, naming the file and the line, and leaves the file untouched (docs/faults.md row 36)',
    async (_what, damage, field) => {
      expect((await oneTurn('broken')).code).toBe(0);
      expect((await oneTurn('healthy')).code).toBe(0);
      const file = await sessionFile('broken');
      const lines = (await readFile(file, 'utf8')).split('\n');
      const user = JSON.parse(lines[1] ?? '') as Record<string, unknown>;
      lines[1] = JSON.stringify(damage(user));
      await writeFile(file, lines.join('\n'));
      const damaged = await readFile(file);

      for (const args of [
        ['sessions', 'show', 'broken'],
        ['sessions', 'show', 'broken', '--json'],
        ['sessions', 'export', 'broken'],
        ['run', '--resume', 'broken', '-p', 'go on'],
        ['sessions', 'rename', 'broken', 'renamed'],
      ]) {
        const result = await e2e.home.run(args);
        expectRefusal(result, file, 2, field);
      }
      expect(await readFile(file)).toEqual(damaged);

      const doctor = await e2e.home.run(['doctor']);
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toContain(`${file} is damaged at line 2 (${field}`);
      // Other sessions work.
      e2e.fake.enqueue({ text: 'Fine.' });
      const other = await e2e.home.run(['run', '--resume', 'healthy', '-p', 'and you?']);
      expect(other).toMatchObject({ code: 0, stdout: 'Fine.\n' });
      expect(await readFile(file)).toEqual(damaged);
    },
  );
});
