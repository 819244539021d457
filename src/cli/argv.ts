/**
 * Reads one command's argv against a table of its options, on top of node:util `parseArgs` (which
 * knows `--x=y`, `-pTEXT`, short groups and `--`). parseArgs runs non-strict so that a value may start
 * with a dash (`-p "-5 is negative"`, as POSIX getopt takes it); everything strict mode would check is
 * checked here instead, with octo's own messages. Values stay the text typed ("007" stays "007").
 */
import { parseArgs } from 'node:util';

export type OptionKind =
  /** `--json`: present or not. */
  | 'flag'
  /** `--name N`: always takes the next word as its value. */
  | 'value'
  /** `--resume [N]`: takes the next word only when it is not an option. */
  | 'optional';

export interface OptionSpec {
  kind: OptionKind;
  short?: string;
  /**
   * Free text (a prompt): the next word is the value whatever it starts with. Other values that
   * start with a dash are taken as a forgotten value (`--name --json`), which no name, model or
   * file list begins with.
   */
  verbatim?: boolean;
}

/** Options by long name (without the dashes). */
export type OptionTable = Readonly<Record<string, OptionSpec>>;

export interface ReadArgv {
  /** Every value given per option, in order: its text, or true for a flag or a bare optional. */
  values: ReadonlyMap<string, ReadonlyArray<string | true>>;
  /** Words that are not options, including everything after `--`. */
  operands: string[];
}

/** A mistake in the argv; the caller turns it into a usage error of its command. */
export class ArgvError extends Error {
  override readonly name = 'ArgvError';
}

/** Reads `args` (without the command word) against `table`; throws ArgvError on any mistake. */
export function readArgv(args: readonly string[], table: OptionTable): ReadArgv {
  const { tokens } = parseArgs({
    args: [...args],
    options: nodeOptions(table),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values = new Map<string, Array<string | true>>();
  const operands: string[] = [];
  const consumed = new Set<number>();
  const add = (name: string, value: string | true): void => {
    const list = values.get(name) ?? [];
    list.push(value);
    values.set(name, list);
  };
  for (const [position, token] of tokens.entries()) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (!consumed.has(token.index)) operands.push(token.value);
      continue;
    }
    const spec = Object.hasOwn(table, token.name) ? table[token.name] : undefined;
    if (spec === undefined) throw new ArgvError(`Unknown option ${token.rawName}`);
    const value = token.value;
    switch (spec.kind) {
      case 'flag':
        if (value !== undefined) throw new ArgvError(`${token.rawName} does not take a value.`);
        add(token.name, true);
        break;
      case 'value':
        if (value === undefined || (!spec.verbatim && !token.inlineValue && value.startsWith('-'))) {
          throw new ArgvError(`${token.rawName} needs a value.`);
        }
        add(token.name, value);
        break;
      case 'optional': {
        if (value !== undefined) {
          add(token.name, value);
          break;
        }
        // parseArgs read it as a flag: the word right after it, if not an option, is its value.
        const next = tokens[position + 1];
        if (next?.kind === 'positional' && next.index === token.index + 1) {
          consumed.add(next.index);
          add(token.name, next.value);
        } else {
          add(token.name, true);
        }
        break;
      }
    }
  }
  return { values, operands };
}

type NodeOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function nodeOptions(table: OptionTable): NodeOptions {
  const options: NonNullable<NodeOptions> = {};
  for (const [name, spec] of Object.entries(table)) {
    options[name] = {
      type: spec.kind === 'value' ? 'string' : 'boolean',
      ...(spec.short === undefined ? {} : { short: spec.short }),
    };
  }
  return options;
}
