import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectConfigPath, resolvePaths } from '../../../src/core/config/index.js';

const HOME = '/home/u';

describe('resolvePaths', () => {
  it('puts data and config under OCTO_HOME when it is set, whatever the XDG variables say', () => {
    const env = { OCTO_HOME: '/srv/octo', XDG_DATA_HOME: '/xdg/data', XDG_CONFIG_HOME: '/xdg/config' };
    expect(resolvePaths(env, HOME)).toEqual({ data: '/srv/octo', userConfig: '/srv/octo/config.toml' });
  });

  it('uses the XDG variables when OCTO_HOME is not set', () => {
    const env = { XDG_DATA_HOME: '/xdg/data', XDG_CONFIG_HOME: '/xdg/config' };
    expect(resolvePaths(env, HOME)).toEqual({
      data: '/xdg/data/octo',
      userConfig: '/xdg/config/octo/config.toml',
    });
  });

  it('falls back to ~/.local/share and ~/.config when nothing is set', () => {
    expect(resolvePaths({}, HOME)).toEqual({
      data: '/home/u/.local/share/octo',
      userConfig: '/home/u/.config/octo/config.toml',
    });
  });

  it('uses each XDG variable independently of the other', () => {
    expect(resolvePaths({ XDG_CONFIG_HOME: '/xdg/config' }, HOME)).toEqual({
      data: '/home/u/.local/share/octo',
      userConfig: '/xdg/config/octo/config.toml',
    });
  });

  it('ignores empty values, and relative XDG values as the XDG spec requires', () => {
    const env = { OCTO_HOME: '', XDG_DATA_HOME: 'relative/data', XDG_CONFIG_HOME: '' };
    expect(resolvePaths(env, HOME)).toEqual({
      data: '/home/u/.local/share/octo',
      userConfig: '/home/u/.config/octo/config.toml',
    });
  });

  it('expands a leading ~ that no shell expanded', () => {
    expect(resolvePaths({ OCTO_HOME: '~/octo-data' }, HOME).data).toBe('/home/u/octo-data');
    expect(resolvePaths({ XDG_DATA_HOME: '~/data' }, HOME).data).toBe('/home/u/data/octo');
  });

  it('returns an absolute data folder for a relative OCTO_HOME', () => {
    expect(path.isAbsolute(resolvePaths({ OCTO_HOME: 'octo-here' }, HOME).data)).toBe(true);
  });
});

describe('projectConfigPath', () => {
  it('is .octo/config.toml inside the project directory', () => {
    expect(projectConfigPath('/work/app')).toBe('/work/app/.octo/config.toml');
  });
});
