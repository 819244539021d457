/** Themes: themes/<name>.json gives every style key a look; NO_COLOR keeps only bold, underline, inverse. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { getErrorMessage } from '../core/errors.js';
import { lazily } from '../core/lazy.js';
import { STYLE_KEYS, type StyleKey } from './text/styled.js';

/** Built when the first theme is read, not when the TUI's bundle loads. */
const schemas = lazily(() => {
  const colour = z
    .string()
    .regex(/^(#[0-9a-f]{6}|default|(light)?(black|red|green|yellow|blue|magenta|cyan|white|gray|grey))$/i);

  const lookSchema = z.strictObject({
    fg: colour.optional(),
    bg: colour.optional(),
    bold: z.boolean().optional(),
    underline: z.boolean().optional(),
    inverse: z.boolean().optional(),
  });

  const themeSchema = z.strictObject({
    name: z.string(),
    styles: z.record(z.enum(STYLE_KEYS), lookSchema),
    border: colour,
    borderFocus: colour,
  });

  return { look: lookSchema, theme: themeSchema };
});

export type Look = z.infer<ReturnType<typeof schemas>['look']>;

export interface Theme {
  name: string;
  styles: Record<StyleKey, Look>;
  border: string | undefined;
  borderFocus: string | undefined;
  noColor: boolean;
}

export const THEMES_DIR = fileURLToPath(new URL('../../themes/', import.meta.url));
export const DEFAULT_THEME = 'dark';

/** Drops colours, keeps emphasis; styles that only differed by colour get inverse/bold where it matters. */
function withoutColour(look: Look, key: StyleKey): Look {
  const rest: Look = { ...look };
  delete rest.fg;
  delete rest.bg;
  const needsInverse = key === 'selected' || key === 'cursor' || key === 'barFill' || key === 'status';
  return needsInverse ? { ...rest, inverse: true } : rest;
}

export function parseTheme(json: unknown, noColor: boolean): Theme {
  // One parse per run: zod's compiled fast path would cost more to build than it saves.
  const parsed = schemas().theme.parse(json, { jitless: true });
  const styles = {} as Record<StyleKey, Look>;
  for (const key of STYLE_KEYS) {
    const look = parsed.styles[key] ?? {};
    styles[key] = noColor ? withoutColour(look, key) : look;
  }
  return {
    name: parsed.name,
    styles,
    border: noColor ? undefined : parsed.border,
    borderFocus: noColor ? undefined : parsed.borderFocus,
    noColor,
  };
}

/** Loads a theme by name; a bad or missing one falls back to the default, with the reason. */
export function loadTheme(
  name: string,
  noColor: boolean,
  dir = THEMES_DIR,
): { theme: Theme; warning?: string } {
  const read = (n: string): Theme =>
    parseTheme(JSON.parse(readFileSync(`${dir}/${n}.json`, 'utf8')), noColor);
  if (!/^[\w-]+$/.test(name)) {
    return {
      theme: read(DEFAULT_THEME),
      warning: `Theme name "${name}" is not valid; using ${DEFAULT_THEME}.`,
    };
  }
  try {
    return { theme: read(name) };
  } catch (error) {
    if (name === DEFAULT_THEME) throw error;
    const reason = getErrorMessage(error).split('\n')[0] ?? '';
    return {
      theme: read(DEFAULT_THEME),
      warning: `Theme ${name} could not be loaded (${reason}); using ${DEFAULT_THEME}.`,
    };
  }
}

/** Escapes neo-blessed tag braces in plain text. */
export function escapeTags(text: string): string {
  return text.replace(/[{}]/g, (ch) => (ch === '{' ? '{open}' : '{close}'));
}

/**
 * A theme colour as a neo-blessed tag names it. Its styles take `lightwhite`, but its tags only know
 * `light-white` (`{lightwhite-fg}` is not a tag, so it was drawn as text).
 */
function tagColour(colour: string): string {
  return colour.replace(/^light(?=[a-z])/i, 'light-');
}

/** The neo-blessed tag that opens a look ('' for the plain look). */
export function openTag(look: Look): string {
  let tag = '';
  if (look.fg !== undefined && look.fg !== 'default') tag += `{${tagColour(look.fg)}-fg}`;
  if (look.bg !== undefined && look.bg !== 'default') tag += `{${tagColour(look.bg)}-bg}`;
  if (look.bold === true) tag += '{bold}';
  if (look.underline === true) tag += '{underline}';
  if (look.inverse === true) tag += '{inverse}';
  return tag;
}
