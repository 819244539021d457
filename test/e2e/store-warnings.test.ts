/**
 * What the store repairs while a `-p` turn opens its session reaches stderr, naming
 * the file (docs/faults.md row 1, 6, 11, 18). They used to be emitted before the printer subscribed.
 */
import { spawn } from 'node:child_process';
import { appendFile, chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useOctoHome } from './support.js';

const e2e = useOctoHome();

/** Runs one turn in a new session and returns the path of its file. */
async function sessionWithOneTurn(name: string): Promise<string> {
  e2e.fake.enqueue({ text: 'First.' });
  const first = await e2e.home.run(['run', '--name', name, '-p', 'hello']);
  expect(first.code).toBe(0);
  const shown = await e2e.home.run(['sessions', 'show', name, '--json']);
  const { session } = JSON.parse(shown.stdout) as { session: { id: string } };
  return path.join(e2e.home.dataDir, 'sessions', `${session.id}.db`);
}

async function resumeOnce(name: string): Promise<{ code: number | null; stderr: string }> {
  e2e.fake.enqueue({ text: 'Again.' });
  const result = await e2e.home.run(['run', '--resume', name, '-p', 'again']);
  expect(result.stdout).toBe('Again.\n');
  return result;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

/** Each test runs the binary several times, a fresh node process each. */
describe('store warnings in a -p turn (issue 11 item 10)', { timeout: 90_000 }, () => {
  it('says a torn last line was set aside, naming the file it went to (docs/faults.md row 1)', async () => {
    const file = await sessionWithOneTurn('torn');
    const torn = '{"_id":"r000000000099","kind":"mess';
    await appendFile(file, torn);
    const result = await resumeOnce('torn');
    expect(result.code).toBe(0);
    const [setAside] = (await readdir(path.dirname(file))).filter((f) => f.includes('.torn-'));
    expect(setAside).toBeDefined();
    expect(result.stderr).toContain(
      `warning: A torn last line (${torn.length} bytes) of session ${file} was set aside in`,
    );
    expect(result.stderr).toContain(path.join(path.dirname(file), setAside ?? ''));
  });

  it('says the permissions of a loose session file were tightened, naming it (docs/faults.md row 6)', async () => {
    const file = await sessionWithOneTurn('loose');
    await chmod(file, 0o644);
    const result = await resumeOnce('loose');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`warning: Tightened the permissions of ${file} from 644 to 600.`);
  });

  it('says a stale lock of a dead process was taken over, naming the session file (docs/faults.md row 11)', async () => {
    const file = await sessionWithOneTurn('stale');
    const pid = await deadPid();
    await mkdir(`${file}.lock`);
    const owner = file.replace(/\.db$/, '.owner.json');
    await writeFile(owner, JSON.stringify({ pid, since: '2025-01-01T00:00:00.000Z', host: hostname() }));
    const result = await resumeOnce('stale');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`warning: Took over a stale lock on ${file} left by process ${pid}`);
  });

  it('says a tool call cut off by a crash got a synthetic result, naming the file (docs/faults.md row 18)', async () => {
    const file = await sessionWithOneTurn('cutoff');
    const call = { id: 'call_cut', name: 'list_dir', arguments: '{"path":"."}' };
    const line = {
      _id: 'r000000000004',
      kind: 'message',
      role: 'assistant',
      content: '',
      toolCalls: [call],
      inContext: true,
      seq: 4,
      at: '2025-01-01T00:00:00.000Z',
    };
    await appendFile(file, `${JSON.stringify(line)}\n`);
    const result = await resumeOnce('cutoff');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      `warning: ${file}: the tool call call_cut (list_dir), cut short by a crash, was given an "interrupted" result.`,
    );
  });
});
