import { describe, expect, it } from 'vitest';
import { parseModelString } from '../../../src/core/config/index.js';

describe('parseModelString', () => {
  it('splits provider and model on the first colon', () => {
    expect(parseModelString('openai:gpt-4o-mini')).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
  });

  it('keeps further colons in the model id', () => {
    expect(parseModelString('ollama:qwen2.5-coder:7b')).toEqual({
      provider: 'ollama',
      model: 'qwen2.5-coder:7b',
    });
    expect(parseModelString('local:a:b:c')).toEqual({ provider: 'local', model: 'a:b:c' });
  });

  it('keeps slashes in the model id', () => {
    expect(parseModelString('openrouter:anthropic/claude-sonnet-4')).toEqual({
      provider: 'openrouter',
      model: 'anthropic/claude-sonnet-4',
    });
  });

  it.each([
    ['no colon', 'gpt-4o'],
    ['empty provider', ':gpt-4o'],
    ['empty model', 'openai:'],
    ['provider with a space', 'open ai:gpt-4o'],
    ['provider starting with a dash', '-x:gpt-4o'],
    ['whitespace in the model', 'openai:gpt 4o'],
    ['a control character in the model', 'openai:gpt\u001b4o'],
    ['empty string', ''],
  ])('refuses %s', (_label, value) => {
    expect(parseModelString(value)).toBeNull();
  });
});
