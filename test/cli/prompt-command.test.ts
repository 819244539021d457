import { describe, expect, it } from 'vitest';
import { promptCommand } from '../../src/cli/commands/prompt-command.js';

describe('a -p prompt that starts with a slash', () => {
  it('is a command when its first word is a slash and a name', () => {
    expect(promptCommand('/info')).toEqual({ line: '/info' });
    expect(promptCommand('  /run reduce src/a.ts\n')).toEqual({ line: '/run reduce src/a.ts' });
    expect(promptCommand('/context large')).toEqual({ line: '/context large' });
    expect(promptCommand('/bogus')).toEqual({ line: '/bogus' });
  });

  it('is a message when it starts with a path, or anything but a name, or //', () => {
    expect(promptCommand('/usr/bin is on my PATH?')).toEqual({ text: '/usr/bin is on my PATH?' });
    expect(promptCommand('/etc/hosts: what is in it')).toEqual({ text: '/etc/hosts: what is in it' });
    expect(promptCommand('/ is the root')).toEqual({ text: '/ is the root' });
    expect(promptCommand('/42 is the answer')).toEqual({ text: '/42 is the answer' });
    expect(promptCommand('//info means what?')).toEqual({ text: '/info means what?' });
    expect(promptCommand('what does /info do?')).toEqual({ text: 'what does /info do?' });
  });
});
