import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/core/config/schema.js';
import { modelFacts } from '../../../src/core/context/model-facts.js';
import { OctoError } from '../../../src/core/errors.js';
import { createModelService } from '../../../src/core/provider/model-service.js';

const models = (refuse?: (provider: string) => OctoError | null) =>
  createModelService({
    config: defaultConfig,
    env: {},
    userConfigPath: '/home/u/.config/octo/config.toml',
    ...(refuse === undefined ? {} : { refuse }),
  });

describe('the facts of a model that cannot be called yet', () => {
  it('know its window from the table although its key is not set', () => {
    const service = models();
    expect(() => service.resolve('openai:gpt-4o-mini')).toThrow(/OPENAI_API_KEY/);
    expect(service.windowOf('openai:gpt-4o-mini')).toBe(128_000);
    expect(modelFacts('openai:gpt-4o-mini', service, defaultConfig())).toMatchObject({
      resolved: null,
      window: 128_000,
    });
  });

  it('have no window for an unknown provider, a model outside the table, or a refused provider', () => {
    const service = models((provider) =>
      provider === 'openrouter' ? new OctoError('trust_required', 'not approved') : null,
    );
    expect(service.windowOf('nosuch:model')).toBeNull();
    expect(service.windowOf('not a model string')).toBeNull();
    expect(service.windowOf('openai:a-model-nobody-listed')).toBeNull();
    expect(service.windowOf('openrouter:openai/gpt-4o')).toBeNull();
    expect(modelFacts('nosuch:model', service, defaultConfig()).window).toBeNull();
  });
});
