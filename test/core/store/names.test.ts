import { access } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { isOctoError } from '../../../src/core/errors.js';
import { assertSessionName, validateSessionName } from '../../../src/core/store/index.js';
import { anyString, INIT, objectWith, storeFixture } from './helpers.js';

const REFUSED = [
  '../../etc/x',
  'a/b',
  '.x',
  'x~',
  'a\0b',
  'x'.repeat(300),
  'CON',
  'con.txt',
  'Lpt9',
  'COM1',
  '',
  '-x',
  'a b',
];

describe('session names', () => {
  it.each(['auth-refactor', 'a', 'A.b_c-1', 'x'.repeat(64), 'CONSOLE', 'com10', 'bugfix-login-timeout'])(
    'accepts %j',
    (name) => {
      expect(validateSessionName(name)).toBeNull();
      expect(() => assertSessionName(name)).not.toThrow();
    },
  );

  it.each(REFUSED)('refuses %j with a reason', (name) => {
    expect(validateSessionName(name)).toEqual(anyString());
    expect(() => assertSessionName(name)).toThrow(objectWith({ code: 'name_invalid' }));
  });

  it('refuses 65 characters and names the limit', () => {
    expect(validateSessionName('x'.repeat(65))).toContain('64');
  });

  it('refuses bad names in create before the data folder is even made (docs/faults.md row 8)', async () => {
    const fx = await storeFixture();
    const store = fx.store();
    for (const name of REFUSED) {
      const error: unknown = await store.create({ ...INIT, name }).catch((e: unknown) => e);
      expect(isOctoError(error, 'name_invalid'), `name ${JSON.stringify(name)}`).toBe(true);
    }
    await expect(access(fx.dataDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
