/**
 * Process groups octo starts are noted so that a next octo stops them when their octo was killed
 * (docs/faults.md row 37), and only when the pid still names the very process that was noted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChildRegistry, processStart, spawnGroup } from '../../../src/core/tools/index.js';

let data: string;
const started: ChildProcess[] = [];
beforeEach(async () => {
  data = await mkdtemp(path.join(tmpdir(), 'octo-children-'));
});
afterEach(async () => {
  for (const child of started.splice(0)) child.kill('SIGKILL');
  await rm(data, { recursive: true, force: true });
});

/** A process that has exited and been reaped: its pid names nobody (or somebody else) now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid ?? 0;
}

function sleeper(detached: boolean): ChildProcess {
  const child = spawn('sleep', ['300'], { detached, stdio: 'ignore' });
  started.push(child);
  return child;
}

async function writeRecord(pid: number, started: string, owner: { pid: number; started: string }) {
  await mkdir(path.join(data, 'children'), { recursive: true });
  await writeFile(
    path.join(data, 'children', `${owner.pid}-${pid}.json`),
    JSON.stringify({ pid, started, command: 'sleep 300', owner }),
  );
}

/** The notes written so far; a note being replaced is a temporary file beside it until its rename. */
const notes = async (): Promise<string[]> =>
  (await readdir(path.join(data, 'children')).catch(() => [])).filter((n) => n.endsWith('.json'));

describe('ChildRegistry', () => {
  it('notes a group while it runs and forgets it once stopped', async () => {
    const errors: string[] = [];
    const registry = new ChildRegistry(data, process.pid, (m) => errors.push(m));
    const group = await spawnGroup('sleep', ['300'], {
      cwd: data,
      env: { PATH: process.env.PATH ?? '' },
      stdio: 'ignore',
      children: registry,
    });
    await registry.add(group.pid, 'again, to await the first note');
    expect(await notes()).toEqual([`${process.pid}-${group.pid}.json`]);
    await group.kill();
    expect(await notes()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('stops the group of an octo that is gone', async () => {
    const child = sleeper(true);
    const pid = child.pid ?? 0;
    await writeRecord(pid, (await processStart(pid)) ?? '', { pid: await deadPid(), started: 'gone' });
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const stopped = await new ChildRegistry(data, process.pid, () => undefined).sweep();
    expect(stopped).toEqual([`${pid} (sleep 300)`]);
    expect(await exited).toBe('SIGTERM');
    expect(await notes()).toEqual([]);
  });

  it('leaves a process alone whose pid was given to another process since', async () => {
    const other = sleeper(true);
    const pid = other.pid ?? 0;
    await writeRecord(pid, 'a start long ago', { pid: await deadPid(), started: 'gone' });
    expect(await new ChildRegistry(data, process.pid, () => undefined).sweep()).toEqual([]);
    expect(await processStart(pid)).not.toBeNull();
    expect(await notes()).toEqual([]);
  });

  it('leaves the groups of an octo that still runs to it', async () => {
    const child = sleeper(true);
    const pid = child.pid ?? 0;
    const owner = { pid: process.pid, started: (await processStart(process.pid)) ?? '' };
    await writeRecord(pid, (await processStart(pid)) ?? '', owner);
    expect(await new ChildRegistry(data, 1, () => undefined).sweep()).toEqual([]);
    expect(await processStart(pid)).not.toBeNull();
    expect(await notes()).toHaveLength(1);
  });

  it('lets octo start when the data folder is a file or a note cannot be read, saying so', async () => {
    const file = path.join(data, 'not-a-folder');
    await writeFile(file, '');
    const errors: string[] = [];
    expect(await new ChildRegistry(file, process.pid, (m) => errors.push(m)).sweep()).toEqual([]);
    expect(errors).toEqual([]);

    // A note that is a folder cannot be read: reported, the others still handled.
    await mkdir(path.join(data, 'children', '1-2.json'), { recursive: true });
    const child = sleeper(true);
    const pid = child.pid ?? 0;
    await writeRecord(pid, (await processStart(pid)) ?? '', { pid: await deadPid(), started: 'gone' });
    const stopped = await new ChildRegistry(data, process.pid, (m) => errors.push(m)).sweep();
    expect(stopped).toEqual([`${pid} (sleep 300)`]);
    expect(errors).toEqual([
      expect.stringContaining(`${path.join(data, 'children', '1-2.json')} could not be handled`),
    ]);
  });
});
