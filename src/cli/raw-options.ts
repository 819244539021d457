/**
 * Reads option values back from the raw argv. cac's parser (mri) turns numeric-looking text into
 * numbers ("007" becomes 7, "" becomes 0), which would corrupt session names and prompts, so the
 * values of text options are taken from the argv itself, following mri's rules for where a value is.
 */

/** Every value given for one option, in order: its text, or true when it was given without one. */
export function optionValues(argv: readonly string[], flags: readonly string[]): Array<string | true> {
  const values: Array<string | true> = [];
  for (let i = 0; i < argv.length; i += 1) {
    const token = argv[i] ?? '';
    if (token === '--') break;
    const equals = token.indexOf('=');
    const flag = equals === -1 ? token : token.slice(0, equals);
    if (!flags.includes(flag)) continue;
    if (equals !== -1) {
      values.push(token.slice(equals + 1));
      continue;
    }
    const next = argv[i + 1];
    // mri's rule: the next token is the value unless it is absent or starts with a dash.
    if (next === undefined || next.startsWith('-')) {
      values.push(true);
      continue;
    }
    values.push(next);
    i += 1;
  }
  return values;
}
