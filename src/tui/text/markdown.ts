/**
 * Model replies as styled logical lines. `marked`'s lexer splits the text into blocks and spans
 * (headings, lists, quotes, fenced code, tables, emphasis, code spans, links); this module only draws
 * them. marked is loaded after the first paint (`loadMarkdown`): until it is there, text is drawn as
 * plain lines, and `markdownEpoch()` changes when it arrives so that cached lines are drawn again.
 * Every piece of text leaving here is sanitised again: the lexer decodes entities (`&#27;` is ESC).
 */
import type { MarkedToken, Token, Tokens } from 'marked';
import { sanitizeLine } from '../../core/text/index.js';
import type { MdTable } from './md-table.js';
import { seg, type Segment, type StyleKey, type StyledLine } from './styled.js';

/** One logical line; the conversation wraps it to the pane width with these prefixes. */
export interface MdLine {
  segments: Segment[];
  first?: StyledLine;
  rest?: StyledLine;
  /** A horizontal rule, drawn across the width. */
  rule?: boolean;
  /** A table, laid out when the width is known (segments are then empty). */
  table?: MdTable;
}

type Lex = (text: string) => Token[];

let lexer: Lex | null = null;
let loading: Promise<void> | null = null;
let epoch = 0;

/** A little of every kind of block and span a reply holds, lexed once before the first reply is drawn. */
const WARM_UP = [
  '# A heading',
  'A paragraph with *emphasis*, **strength**, `code`, ~~struck~~ and [a link](https://example.com).',
  '- an item\n- another\n\n1. first\n2. second',
  '> a quote',
  '```ts\nconst a = 1;\n```',
  '| a | b |\n| - | - |\n| 1 | 2 |',
].join('\n\n');

/** The next turn of the event loop, after what input arrived meanwhile (a key is echoed in between). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * V8 compiles a regular expression when it first runs, and again to machine code when it runs again:
 * marked's block rules are long alternations (HTML tag names among them), and compiling them made the
 * first render after marked loaded one 50-110 ms piece of CPU on this machine (lheading alone ~25 ms).
 * Each rule is run here once per turn of the event loop, so keys are echoed in between, before replies
 * are drawn with them (README, "Performance").
 */
async function compileRules(groups: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  for (const group of groups) {
    for (const rule of Object.values(group)) {
      if (!(rule instanceof RegExp)) continue;
      const { lastIndex } = rule;
      for (const sample of ['', '\n']) {
        await nextTurn();
        rule.exec(sample);
      }
      rule.lastIndex = lastIndex;
    }
  }
}

/** Loads marked (once); resolves when replies can be rendered as markdown. */
export function loadMarkdown(): Promise<void> {
  loading ??= import('marked').then(async ({ Lexer }) => {
    // Line breaks inside a paragraph are kept: models break lines on purpose (addresses, verse, steps).
    const lex: Lex = (text) => Lexer.lex(text, { gfm: true, breaks: true });
    // The rules it uses (GFM with line breaks), then the rest of its first run on a sample of each kind.
    await compileRules([Lexer.rules.block.gfm, Lexer.rules.inline.breaks]);
    await nextTurn();
    lex(WARM_UP);
    lexer = lex;
    epoch += 1;
  });
  return loading;
}

/** Changes once, when marked has loaded: lines rendered before it are stale. */
export function markdownEpoch(): number {
  return epoch;
}

/** Inline text builder: lines of segments, broken at hard breaks, every piece sanitised. */
class Spans {
  readonly lines: Segment[][] = [[]];

  push(text: string, style: StyleKey): void {
    text.split('\n').forEach((piece, i) => {
      if (i > 0) this.lines.push([]);
      const safe = sanitizeLine(piece);
      if (safe !== '') this.lines[this.lines.length - 1]?.push(seg(safe, style));
    });
  }

  add(tokens: readonly Token[] | undefined, style: StyleKey): void {
    for (const token of tokens ?? []) this.token(token as MarkedToken, style);
  }

  private token(t: MarkedToken, style: StyleKey): void {
    // Inside a heading the heading's look wins: it is already set apart.
    const inner = (look: StyleKey): StyleKey => (style === 'heading' ? style : look);
    switch (t.type) {
      case 'text':
        if (t.tokens !== undefined) this.add(t.tokens, style);
        else this.push(t.text, style);
        return;
      case 'strong':
        return this.add(t.tokens, inner('strong'));
      case 'em':
        return this.add(t.tokens, inner('emphasis'));
      case 'del':
        return this.add(t.tokens, 'dim');
      case 'codespan':
        return this.push(t.text, 'code');
      case 'br':
        return this.push('\n', style);
      case 'checkbox':
        return this.push(t.checked ? '[x] ' : '[ ] ', 'bullet');
      case 'link': {
        this.add(t.tokens, 'link');
        // An autolink's text is its address: said once.
        if (t.text !== t.href && `mailto:${t.text}` !== t.href) this.push(` (${t.href})`, 'dim');
        return;
      }
      case 'image':
        return this.push(`[image${t.text === '' ? '' : `: ${t.text}`}] (${t.href})`, 'dim');
      case 'escape':
      case 'html':
        return this.push(t.text, style);
      default:
        return this.push(t.raw, style);
    }
  }
}

function inline(tokens: readonly Token[] | undefined, style: StyleKey): Segment[][] {
  const spans = new Spans();
  spans.add(tokens, style);
  return spans.lines;
}

const FENCE_END: MdLine = { segments: [seg('╰─', 'dim')] };

const codeLine = (line: string): MdLine => ({
  segments: [seg(sanitizeLine(line.replace(/\t/g, '    ')), 'codeBlock')],
  first: [seg('│ ', 'dim')],
  // A line of code wrapped by the pane is marked so: with the same frame it read as two lines of code.
  rest: [seg('┆ ', 'dim')],
});

/** Lines of code without the blank ones at the end (marked keeps one or two there, depending). */
function codeLines(lines: readonly string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1] === '') end -= 1;
  return lines.slice(0, end);
}

const fenceStart = (lang: string): MdLine => {
  const name = sanitizeLine(lang).split(' ')[0] ?? '';
  return { segments: [seg(`╭─ ${name === '' ? 'code' : name}`, 'dim')] };
};

function codeBlock(t: Tokens.Code): MdLine[] {
  const lines = codeLines(t.text.split('\n'));
  // A block with no line of code still shows one, empty, inside its frame.
  return [fenceStart(t.lang ?? ''), ...(lines.length === 0 ? [''] : lines).map(codeLine), FENCE_END];
}

/** Lines of a container (a list item, a quote): its marker on the first, its indent on the rest. */
function nest(lines: readonly MdLine[], first: StyledLine, rest: StyledLine): MdLine[] {
  return lines.map((line, i) => ({
    ...line,
    first: [...(i === 0 ? first : rest), ...(line.first ?? [])],
    rest: [...rest, ...(line.rest ?? line.first ?? [])],
  }));
}

function listLines(list: Tokens.List, base: StyleKey): MdLine[] {
  const out: MdLine[] = [];
  const start = typeof list.start === 'number' ? list.start : 1;
  list.items.forEach((item, i) => {
    if (i > 0 && list.loose) out.push({ segments: [] });
    const marker = list.ordered ? `${start + i}.` : '•';
    // A task's box stands beside its marker (in a tight list marked makes it a block of its own).
    const box = item.tokens[0]?.type === 'checkbox' ? (item.checked === true ? '[x] ' : '[ ] ') : '';
    const body = blocks(box === '' ? item.tokens : item.tokens.slice(1), base);
    const lines = body.length === 0 ? [{ segments: [] }] : body;
    const first = [seg(`${marker} `, 'bullet'), ...(box === '' ? [] : [seg(box, 'bullet')])];
    out.push(...nest(lines, first, [seg(' '.repeat(marker.length + 1 + box.length))]));
  });
  return out;
}

/** A table cell is one line: a break inside it (`<br>`, rare) becomes a space. */
const cell = (c: Tokens.TableCell): Segment[] =>
  inline(c.tokens, 'text').flatMap((line, i) => (i === 0 ? line : [seg(' '), ...line]));

const rawLines = (text: string, style: StyleKey): MdLine[] =>
  text
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => ({ segments: [seg(sanitizeLine(l), style)] }));

function block(t: MarkedToken, base: StyleKey): MdLine[] {
  switch (t.type) {
    case 'heading':
      return inline(t.tokens, 'heading').map((segments) => ({ segments }));
    case 'paragraph':
      return inline(t.tokens, base).map((segments) => ({ segments }));
    case 'text':
      return inline(t.tokens ?? [{ type: 'text', raw: t.raw, text: t.text }], base).map((segments) => ({
        segments,
      }));
    case 'code':
      return codeBlock(t);
    case 'hr':
      return [{ segments: [], rule: true }];
    case 'blockquote': {
      const mark = [seg('▌ ', 'quote')];
      return nest(blocks(t.tokens, 'quote'), mark, mark);
    }
    case 'list':
      return listLines(t, base);
    case 'table':
      return [
        {
          segments: [],
          table: {
            header: t.header.map(cell),
            rows: t.rows.map((row) => row.map(cell)),
            align: t.align,
          },
        },
      ];
    case 'def':
      return rawLines(t.raw, 'dim');
    default:
      return rawLines(t.raw, base);
  }
}

/** Blocks to lines; blank lines between blocks (a `space` token) are one blank line, however many. */
function blocks(tokens: readonly Token[], base: StyleKey): MdLine[] {
  const out: MdLine[] = [];
  let blank = false;
  for (const token of tokens) {
    if (token.type === 'space') blank = out.length > 0;
    else {
      if (blank) out.push({ segments: [] });
      blank = false;
      out.push(...block(token as MarkedToken, base));
    }
  }
  return out;
}

/** Before marked has loaded: the text's lines as they are (sanitised). */
const plainLines = (text: string, base: StyleKey): MdLine[] =>
  text.split('\n').map((l) => ({ segments: [seg(sanitizeLine(l), base)] }));

/** Renders markdown text to logical lines with styles; a fence left open (still streaming) is closed. */
export function renderMarkdown(text: string, base: StyleKey = 'text'): MdLine[] {
  if (lexer === null) return plainLines(text, base);
  return blocks(lexer(text), base);
}

/** A text still growing, cut where its blocks are final: what comes later cannot change those. */
export interface StreamCut {
  /** Lines of the text (counted by newlines) whose blocks are final; 0 when none is yet. */
  finalLines: number;
  /** Those blocks rendered. */
  final: MdLine[];
  /** The blocks after them, rendered as they stand now (an open fence or table included). */
  growing: MdLine[];
  /** The opening line of the code fence the cut is inside (its frame is drawn), or null. */
  fence: string | null;
}

/** The line that closes a fence opened by `opener`. */
function closingLine(opener: string): RegExp {
  const mark = /^ *(`{3,}|~{3,})/.exec(opener)?.[1] ?? '```';
  return new RegExp(`^ {0,3}${mark[0] === '~' ? '~' : '`'}{${mark.length},} *$`);
}

/**
 * A top-level fenced code block not closed yet: its opening line, the lines of its code that are
 * finished (each followed by a line of the text), and the rest. Lines are marked's own (its `text`:
 * indents taken off, its way with trailing blank lines), so they are what a full render draws.
 */
function openFence(
  t: Token | undefined,
): { opener: string; lang: string; done: string[]; rest: string[] } | null {
  if (t?.type !== 'code' || (t as Tokens.Code).codeBlockStyle === 'indented') return null;
  const [opener = '', ...lines] = t.raw.split('\n');
  const closing = closingLine(opener);
  if (lines.some((l) => closing.test(l))) return null;
  const code = (t as Tokens.Code).text.split('\n');
  let finished = Math.max(0, Math.min(code.length - 1, lines.length - 1));
  // Blank lines wait for a line of code after them: at the end of a block they are not drawn.
  while (finished > 0 && code[finished - 1] === '') finished -= 1;
  const lang = (t as Tokens.Code).lang ?? '';
  return { opener, lang, done: code.slice(0, finished), rest: codeLines(code.slice(finished)) };
}

/**
 * Every block but the last one of a growing text is final: a later line can extend or turn only the
 * block it follows (a paragraph into a table or a heading, a list by one more item). A code fence
 * still open is final up to its last line: code lines are drawn once while the fence streams. With
 * `fence`, the text starts inside that fence (its opening line and frame are drawn already).
 */
export function renderGrowing(text: string, base: StyleKey = 'text', fence: string | null = null): StreamCut {
  if (lexer === null) return { finalLines: 0, final: [], growing: plainLines(text, base), fence: null };
  const tokens = lexer(fence === null ? text : `${fence}\n${text}`);
  let last = tokens.length - 1;
  while (last > 0 && tokens[last]?.type === 'space') last -= 1;
  let done = tokens.slice(0, Math.max(0, last));
  let cut = done.map((t) => t.raw).join('');
  // Cut only at the start of a line, so that the rest lexes as it would within the whole text; and only
  // once the next block's first line is whole and not all - or =: "*" may become "**bold" that
  // continues the list above, "-" may underline the paragraph above as a heading.
  const next = tokens[last]?.raw ?? '';
  const unsure = !next.includes('\n') || /^ {0,3}[-=]* *$/.test(next.split('\n')[0] ?? '');
  if (!cut.endsWith('\n') || unsure) [done, cut, last] = [[], '', 0];
  const final = blocks(done, base);
  // The blank line between the last final block and the growing one.
  if (done.at(-1)?.type === 'space' && final.length > 0) final.push({ segments: [] });
  let lines = cut.split('\n').length - 1;
  let growing: MdLine[];
  let inside: string | null = null;
  const open = last === tokens.length - 1 ? openFence(tokens[last]) : null;
  if (open !== null && open.done.length > 0) {
    final.push(fenceStart(open.lang), ...open.done.map(codeLine));
    lines += 1 + open.done.length;
    growing = [...open.rest.map(codeLine), FENCE_END];
    inside = open.opener;
  } else growing = blocks(tokens.slice(last), base);
  if (fence !== null) {
    // The opening line given back is not the caller's, and its frame is drawn already, with lines of
    // code in it: a rest of blank lines draws none (not the empty line of an empty block).
    const first = tokens[0];
    const blank = first?.type === 'code' && /^\n*$/.test((first as Tokens.Code).text);
    const drawn = lines > 0 ? final : growing;
    drawn.splice(0, blank ? 2 : 1);
    if (lines > 0) lines -= 1;
  }
  return { finalLines: lines, final, growing, fence: lines > 0 ? inside : fence };
}
