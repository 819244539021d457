import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtinTools, createToolSet, type ToolResult, type ToolSet } from '../../../src/core/tools/index.js';

export interface ToolBench {
  root: string;
  project: string;
  tools: ToolSet;
  call(name: string, args: unknown, signal?: AbortSignal): Promise<ToolResult>;
  cleanup(): Promise<void>;
}

/** A temp project and every built-in tool, run without approval (approval has its own tests). */
export async function makeToolBench(
  shell: { timeoutMs?: number; maxOutputBytes?: number; maxOutputChars?: number } = {},
): Promise<ToolBench> {
  const root = await mkdtemp(path.join(tmpdir(), 'octo-tools-'));
  const project = path.join(root, 'project');
  await mkdir(project, { recursive: true });
  const tools = createToolSet(
    builtinTools(() => ({
      program: '/bin/sh',
      timeoutMs: shell.timeoutMs ?? 10_000,
      maxOutputBytes: shell.maxOutputBytes ?? 200_000,
      maxOutputChars: shell.maxOutputChars ?? 50_000,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    })),
  );
  return {
    root,
    project,
    tools,
    call: (name, args, signal = new AbortController().signal) =>
      tools.call(name, typeof args === 'string' ? args : JSON.stringify(args), {
        projectDir: project,
        signal,
      }),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
