/* eslint-disable no-control-regex -- matching control characters is this test's purpose */
/** docs/faults.md row 39: `--json` output escapes control bytes, C1 and bidi overrides. */
import { describe, expect, it } from 'vitest';
import { useOctoHome } from './support.js';

const e2e = useOctoHome();

/** ESC with a CSI, a C1 CSI, DEL, a right-to-left override, a bidi isolate and a line separator. */
const HOSTILE = 'red\u001b[31m c1\u009b2J del\u007f rtl\u202etxt.exe iso\u2066x line\u2028end';
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

function expectEscaped(stdout: string): void {
  expect(stdout).not.toMatch(RAW);
  expect(stdout).toContain('\\u009b');
  expect(stdout).toContain('\\u202e');
  expect(stdout).toContain('\\u001b');
  // Escaping is lossless: the text parses back to exactly what was stored.
  expect(JSON.stringify(JSON.parse(stdout))).toContain(JSON.stringify(HOSTILE).slice(1, -1));
}

describe('--json output (docs/faults.md row 39)', () => {
  it('escapes raw control bytes from model and user text in every --json output', async () => {
    e2e.fake.enqueue({ text: HOSTILE });
    const turn = await e2e.home.run(['run', '--name', 'hostile', '-p', `user ${HOSTILE}`, '--json']);
    expect(turn.code).toBe(0);
    expectEscaped(turn.stdout);
    expect(JSON.parse(turn.stdout)).toMatchObject({ reply: HOSTILE });

    for (const args of [
      ['sessions', 'show', 'hostile', '--json'],
      ['sessions', 'export', 'hostile', '--format', 'json'],
    ]) {
      const result = await e2e.home.run(args);
      expect(result.code, args.join(' ')).toBe(0);
      expectEscaped(result.stdout);
    }
    // Snippets and titles are plain text already; whatever they hold is never raw.
    for (const args of [
      ['sessions', 'list', '--json'],
      ['sessions', 'search', 'rtl', '--json'],
    ]) {
      const result = await e2e.home.run(args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).not.toMatch(RAW);
    }
  });
});
