import { describe, expect, it } from 'vitest';
import { parseArgv, UsageError, type Invocation } from '../../src/cli/parse.js';

function usageError(argv: string[]): UsageError {
  try {
    parseArgv(argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

const run = (
  options: Partial<Extract<Invocation, { kind: 'run' }>['options']>,
  explicit = true,
): Invocation => ({
  kind: 'run',
  options: {
    explicit,
    resumeRecent: false,
    json: false,
    attach: [],
    allow: [],
    trustProject: false,
    daemon: false,
    format: 'plain',
    ...options,
  },
});

describe('parseArgv', () => {
  it('reads a run with every option', () => {
    const argv = [
      'run',
      '--name',
      'auth',
      '--model',
      'openrouter:a/b',
      '-p',
      'hi',
      '--json',
      '--attach',
      'a.png',
    ];
    expect(parseArgv([...argv, '--attach', 'b.gif', '--theme', 'light'])).toEqual(
      run({
        name: 'auth',
        model: 'openrouter:a/b',
        prompt: 'hi',
        json: true,
        attach: ['a.png', 'b.gif'],
        theme: 'light',
      }),
    );
  });

  it('keeps numeric-looking names and prompts as the text typed', () => {
    expect(parseArgv(['run', '--name', '007', '-p', '1e3'])).toEqual(run({ name: '007', prompt: '1e3' }));
    expect(parseArgv(['run', '--resume=0x10', '--prompt=42'])).toEqual(run({ resume: '0x10', prompt: '42' }));
    expect(parseArgv(['sessions', 'show', '007'])).toEqual({
      kind: 'sessions',
      sessions: { action: 'show', name: '007', json: false },
    });
  });

  it('treats -p "" as an empty prompt, not as 0', () => {
    expect(parseArgv(['-p', ''])).toEqual(run({ prompt: '' }, false));
  });

  it('tells bare --resume (the picker) from --resume NAME', () => {
    expect(parseArgv(['run', '--resume'])).toEqual(run({ resume: true }));
    expect(parseArgv(['run', '--resume', '-p', 'x'])).toEqual(run({ resume: true, prompt: 'x' }));
    expect(parseArgv(['run', '--resume', 'auth'])).toEqual(run({ resume: 'auth' }));
    expect(parseArgv(['--resume-recent'])).toEqual(run({ resumeRecent: true }, false));
  });

  it('refuses two ways of choosing the session at once', () => {
    expect(usageError(['run', '--name', 'a', '--resume', 'b']).message).toMatch(/only one of/);
    expect(usageError(['run', '--resume', 'a', '--resume-recent']).message).toMatch(/only one of/);
  });

  it('refuses unknown options and options without their value', () => {
    expect(usageError(['run', '--nmae', 'x']).message).toBe('Unknown option --nmae');
    expect(usageError(['sessions', 'list', '--format', 'md']).message).toMatch(/--format does not apply/);
    expect(usageError(['run', '--name']).message).toMatch(/--name/);
    expect(usageError(['run', '-p']).message).toMatch(/-p/);
  });

  it('names the closest command when the command is unknown', () => {
    expect(usageError(['sesions']).message).toBe('Unknown command: sesions. Did you mean: octo sessions?');
    expect(usageError(['sessions', 'lsit']).message).toMatch(/Did you mean: octo sessions list/);
    expect(usageError(['sessions', 'show']).message).toBe('Usage: octo sessions show NAME [--json]');
    expect(usageError(['sessions', 'export', 'a', '--format', 'pdf']).message).toBe(
      '--format is md or json.',
    );
  });

  it('reads sessions commands and doctor', () => {
    expect(parseArgv(['sessions'])).toEqual({
      kind: 'sessions',
      sessions: { action: 'list', all: false, json: false, trash: false },
    });
    expect(parseArgv(['sessions', 'list', '--all', '--json'])).toEqual({
      kind: 'sessions',
      sessions: { action: 'list', all: true, json: true, trash: false },
    });
    expect(parseArgv(['sessions', 'rename', 'a', 'b'])).toEqual({
      kind: 'sessions',
      sessions: { action: 'rename', name: 'a', newName: 'b' },
    });
    expect(parseArgv(['sessions', 'export', 'a', '--format', 'json'])).toEqual({
      kind: 'sessions',
      sessions: { action: 'export', name: 'a', format: 'json' },
    });
    expect(parseArgv(['doctor', '--reindex'])).toEqual({ kind: 'doctor', reindex: true, clean: false });
    expect(parseArgv(['doctor', '--clean'])).toEqual({ kind: 'doctor', reindex: false, clean: true });
  });

  it('reads --allow as a list of categories and refuses anything else', () => {
    expect(parseArgv(['run', '-p', 'x', '--allow', 'write,shell,write'])).toEqual(
      run({ prompt: 'x', allow: ['write', 'shell'] }),
    );
    expect(parseArgv(['run', '--allow=mcp'])).toEqual(run({ allow: ['mcp'] }));
    const wrong = usageError(['run', '-p', 'x', '--allow', 'write,network']);
    expect(wrong.message).toBe('--allow takes write, shell, mcp separated by commas, not "network".');
    expect(wrong.topic).toBe('run');
    expect(usageError(['run', '--allow']).message).toMatch(/--allow/);
  });

  it('reads fork, search, move and the trash listing', () => {
    expect(parseArgv(['sessions', 'fork', 'a', 'b', '--at', '12'])).toEqual({
      kind: 'sessions',
      sessions: { action: 'fork', name: 'a', newName: 'b', atSeq: 12 },
    });
    expect(parseArgv(['sessions', 'fork', 'a', 'b'])).toEqual({
      kind: 'sessions',
      sessions: { action: 'fork', name: 'a', newName: 'b' },
    });
    expect(usageError(['sessions', 'fork', 'a', 'b', '--at', '0']).message).toMatch(/record number/);
    expect(usageError(['sessions', 'fork', 'a', 'b', '--at', '1.5']).message).toMatch(/record number/);
    expect(parseArgv(['sessions', 'search', 'refresh', '007', '--json', '--all'])).toEqual({
      kind: 'sessions',
      sessions: { action: 'search', text: 'refresh 007', json: true, all: true },
    });
    expect(usageError(['sessions', 'search']).message).toMatch(/search TEXT/);
    expect(usageError(['sessions', 'search', 'x', '--at', '3']).message).toMatch(/--at does not apply/);
    expect(parseArgv(['sessions', 'move', 'a', '../elsewhere'])).toEqual({
      kind: 'sessions',
      sessions: { action: 'move', name: 'a', dir: '../elsewhere' },
    });
    expect(parseArgv(['sessions', 'list', '--trash'])).toEqual({
      kind: 'sessions',
      sessions: { action: 'list', all: false, json: false, trash: true },
    });
    expect(usageError(['sessions', 'show', 'a', '--trash']).message).toMatch(/--trash does not apply/);
  });

  it('takes the word after -p as the prompt whatever it starts with (docs/faults.md row 38)', () => {
    for (const prompt of ['-5 is negative', '--- a/file.ts', '- a list item', '--help', '-v', '--']) {
      expect(parseArgv(['run', '--name', 'a', '-p', prompt])).toEqual(run({ name: 'a', prompt }));
      expect(parseArgv(['--prompt', prompt])).toEqual(run({ prompt }, false));
    }
    expect(parseArgv(['-p-5'])).toEqual(run({ prompt: '-5' }, false));
  });

  it('ends options at --: what follows is an operand', () => {
    expect(parseArgv(['sessions', 'search', '--', '--json', '-x'])).toEqual({
      kind: 'sessions',
      sessions: { action: 'search', text: '--json -x', json: false, all: false },
    });
    expect(usageError(['run', '--name', 'a', '--', '-p', 'hi']).message).toBe(
      'Unexpected argument "-p" (a prompt goes after -p).',
    );
    expect(usageError(['doctor', 'now']).message).toMatch(/Unexpected argument "now"/);
    expect(usageError(['--', 'run']).message).toMatch(/Unknown command: run/);
  });

  it('refuses a flag given a value and a value option given another option instead', () => {
    expect(usageError(['run', '--json=yes']).message).toBe('--json does not take a value.');
    expect(usageError(['run', '--name', '--json']).message).toBe('--name needs a value.');
    expect(usageError(['run', '--model', '-p', 'x']).message).toBe('--model needs a value.');
    expect(parseArgv(['run', '--resume', '--json'])).toEqual(run({ resume: true, json: true }));
    expect(usageError(['run', '--resume=']).message).toMatch(/--resume needs a name/);
  });

  it('answers --help per command and --version', () => {
    expect(parseArgv(['--help'])).toEqual({ kind: 'help', topic: 'main' });
    expect(parseArgv(['sessions', '--help'])).toEqual({ kind: 'help', topic: 'sessions' });
    expect(parseArgv(['run', '-h'])).toEqual({ kind: 'help', topic: 'run' });
    expect(parseArgv(['-v'])).toEqual({ kind: 'version' });
  });
});

describe('parseArgv: the server, daemon and send commands', () => {
  it('reads octo server with its defaults and repeated origins', () => {
    expect(parseArgv(['server'])).toEqual({
      kind: 'server',
      options: { host: '127.0.0.1', port: 8080, origins: [], hosts: [], allowRemote: false, allow: [] },
    });
    expect(
      parseArgv([
        'server',
        '--port',
        '0',
        '--allow-origin',
        'http://localhost:5173/',
        '--allow-origin',
        'https://App.example',
        '--host',
        '0.0.0.0',
        '--allow-remote',
        '--allow-host',
        'Box.lan',
      ]),
    ).toEqual({
      kind: 'server',
      options: {
        host: '0.0.0.0',
        port: 0,
        origins: ['http://localhost:5173', 'https://app.example'],
        hosts: ['box.lan'],
        allowRemote: true,
        allow: [],
      },
    });
  });

  it('refuses a bad port and an origin that would let any page in', () => {
    expect(usageError(['server', '--port', '65536']).message).toMatch(/--port/);
    expect(usageError(['server', '--port', 'http']).message).toMatch(/--port/);
    expect(usageError(['server', '--allow-origin', '*']).message).toMatch(/--allow-origin/);
    expect(usageError(['server', '--allow-origin', 'null']).message).toMatch(/--allow-origin/);
    expect(usageError(['server', 'extra']).message).toMatch(/Unexpected argument/);
  });

  it('reads run --daemon with --format, and refuses --format without it', () => {
    expect(parseArgv(['run', '--name', 'bot', '--daemon', '--format', 'jsonl', '-p', 'go'])).toEqual(
      run({ name: 'bot', daemon: true, format: 'jsonl', prompt: 'go' }),
    );
    expect(usageError(['run', '--format', 'jsonl']).message).toMatch(/--format applies to --daemon/);
    expect(usageError(['run', '--daemon', '--format', 'xml']).message).toMatch(/jsonl or plain/);
    expect(usageError(['run', '--daemon', '--json']).message).toMatch(/--format jsonl/);
    expect(usageError(['run', '--daemon', '--resume']).message).toMatch(/needs a session/);
  });

  it('reads octo send with the text as its operands, and attach NAME', () => {
    expect(parseArgv(['send', '--name', 'bot', 'hello', 'there'])).toEqual({
      kind: 'send',
      name: 'bot',
      text: 'hello there',
    });
    expect(parseArgv(['send', '--name', 'bot', '--', '-5 degrees'])).toEqual({
      kind: 'send',
      name: 'bot',
      text: '-5 degrees',
    });
    expect(parseArgv(['send', '--name', 'bot'])).toEqual({ kind: 'send', name: 'bot' });
    expect(usageError(['send', 'hello']).message).toMatch(/--name/);
    expect(parseArgv(['attach', 'bot'])).toEqual({ kind: 'attach', name: 'bot' });
    expect(usageError(['attach']).message).toMatch(/octo attach NAME/);
  });
});
