import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { loadTheme, openTag } from '../../src/tui/theme.js';
import { lineToTags } from '../../src/tui/text/tags.js';
import { seg } from '../../src/tui/text/styled.js';

describe('themes', () => {
  it.each(['dark', 'light', 'high-contrast'])('ships %s with a look for every style', (name) => {
    const { theme, warning } = loadTheme(name, false);
    expect(warning).toBeUndefined();
    expect(theme.name).toBe(name);
    expect(openTag(theme.styles.user)).toMatch(/-fg\}/);
    expect(theme.borderFocus).not.toBe(theme.border);
  });

  it('keeps bold and inverse but no colour with NO_COLOR', () => {
    const { theme } = loadTheme('dark', true);
    for (const look of Object.values(theme.styles)) {
      expect(look.fg).toBeUndefined();
      expect(look.bg).toBeUndefined();
    }
    expect(theme.styles.selected.inverse).toBe(true);
    expect(theme.styles.user.bold).toBe(true);
    expect(theme.border).toBeUndefined();
  });

  it('falls back to dark, saying why, when a theme is missing or invalid', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'octo-theme-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      path.join(dir, 'dark.json'),
      JSON.stringify(loadTheme('dark', false).theme, (k, v: unknown) => (k === 'noColor' ? undefined : v)),
    );
    writeFileSync(
      path.join(dir, 'broken.json'),
      '{"name":"broken","styles":{"text":{"fg":"not a colour"}},"border":"red","borderFocus":"red"}',
    );
    expect(loadTheme('missing', false, dir).warning).toMatch(
      /^Theme missing could not be loaded \(.*\); using dark\.$/,
    );
    expect(loadTheme('broken', false, dir).warning).toMatch(/^Theme broken could not be loaded/);
    expect(loadTheme('../etc/passwd', false, dir).warning).toBe(
      'Theme name "../etc/passwd" is not valid; using dark.',
    );
  });

  it('escapes tag braces in text, so model text cannot style the screen', () => {
    const { theme } = loadTheme('dark', true);
    expect(lineToTags([seg('{bold}x{/bold}'), seg('y', 'strong')], theme)).toBe(
      '{open}bold{close}x{open}/bold{close}{bold}y{/}',
    );
  });
});
