/** Every theme shipped, drawn: a text capture and a map of the looks, at 80x24. */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { THEMES_DIR } from '../../src/tui/theme.js';
import { fixtureWorkspace } from './support/fixture.js';
import { useHeadless } from './support/headless.js';
import { styleMap } from './support/screen-styles.js';

const SHIPPED = readdirSync(THEMES_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort();

const open = useHeadless();

describe('the shipped themes on screen', () => {
  it('ships dark, light and high-contrast', () => {
    expect(SHIPPED).toEqual(['dark', 'high-contrast', 'light']);
  });

  it.each(SHIPPED)('draws %s with its colours and no tag as text', async (theme) => {
    const screen = await open(fixtureWorkspace(), { width: 80, height: 24 }, { theme });
    const text = screen.text();
    // A tag blessed did not understand is drawn as it was written.
    expect(text).not.toMatch(/\{\/?[\w-]*(-fg|-bg|bold|underline|inverse)\}/);
    expect(screen.tui.controller.state.hint).toBeNull();
    await expect(`${text}\n\n${styleMap(screen.tui.screen)}\n`).toMatchFileSnapshot(
      `__snapshots__/theme-${theme}-80x24.txt`,
    );
  });
});
