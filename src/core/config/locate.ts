/**
 * Where each key of a TOML document is written, so a validation issue can name its line.
 *
 * smol-toml returns plain values without positions, so this scanner walks the text once more. It runs
 * only on text that smol-toml has already accepted, which lets it skip error handling and stay small.
 */
export type KeyPath = readonly (string | number)[];

export interface KeyLines {
  /** 1-based line of the key, or of its nearest written ancestor (table header, dotted key); null if none. */
  lineOf(path: KeyPath): number | null;
}

export function locateKeys(text: string): KeyLines {
  const lines = new Map<string, number>();
  new Locator(text, lines).document();
  return {
    lineOf(path) {
      for (let length = path.length; length > 0; length -= 1) {
        const line = lines.get(pathId(path.slice(0, length)));
        if (line !== undefined) return line;
      }
      return null;
    },
  };
}

const pathId = (path: KeyPath): string => JSON.stringify(path);
const BARE_KEY_CHAR = /[A-Za-z0-9_-]/;
const SCALAR_END = new Set([',', ']', '}', '\n', '\r', '#']);
const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b' };

class Locator {
  private pos = 0;
  private line = 1;
  /** Last index of each array of tables, by path id, to resolve `[[a]]` then `[a.b]` to a.<n>.b. */
  private readonly arrays = new Map<string, number>();

  constructor(
    private readonly text: string,
    private readonly lines: Map<string, number>,
  ) {}

  document(): void {
    let table: KeyPath = [];
    for (
      this.skipBlank({ newlines: true });
      this.pos < this.text.length;
      this.skipBlank({ newlines: true })
    ) {
      if (this.text.startsWith('[[', this.pos)) table = this.arrayTableHeader();
      else if (this.peek() === '[') table = this.tableHeader();
      else this.keyValue(table);
    }
  }

  private tableHeader(): KeyPath {
    this.advance(1);
    const path = this.resolve(this.key());
    this.skipPast(']');
    this.recordAll(path);
    return path;
  }

  private arrayTableHeader(): KeyPath {
    this.advance(2);
    const key = this.key();
    this.skipPast(']]');
    const array = [...this.resolve(key.slice(0, -1)), ...key.slice(-1)];
    const index = (this.arrays.get(pathId(array)) ?? -1) + 1;
    this.arrays.set(pathId(array), index);
    const path = [...array, index];
    this.recordAll(path);
    return path;
  }

  /** Header segments that name an array of tables refer to its latest element. */
  private resolve(key: readonly string[]): KeyPath {
    const path: (string | number)[] = [];
    for (const segment of key) {
      path.push(segment);
      const index = this.arrays.get(pathId(path));
      if (index !== undefined) path.push(index);
    }
    return path;
  }

  private keyValue(table: KeyPath): void {
    const line = this.line;
    const path = [...table, ...this.key()];
    this.recordAll(path, line);
    this.skipPast('=');
    this.value(path);
  }

  private value(path: KeyPath): void {
    this.skipBlank({ newlines: false });
    const char = this.peek();
    if (char === '"' || char === "'") this.string();
    else if (char === '[') this.array(path);
    else if (char === '{') this.inlineTable(path);
    else while (this.pos < this.text.length && !SCALAR_END.has(this.peek())) this.advance(1);
  }

  private array(path: KeyPath): void {
    this.advance(1);
    for (let index = 0; ; index += 1) {
      this.skipBlank({ newlines: true });
      if (this.peek() === ']' || this.pos >= this.text.length) break;
      this.record([...path, index], this.line);
      this.value([...path, index]);
      this.skipBlank({ newlines: true });
      // Valid TOML has "," or "]" here; stopping on anything else guarantees the scan ends.
      if (this.peek() !== ',') break;
      this.advance(1);
    }
    this.advance(1);
  }

  private inlineTable(path: KeyPath): void {
    this.advance(1);
    for (
      this.skipBlank({ newlines: true });
      this.peek() !== '}' && this.pos < this.text.length;
      this.skipBlank({ newlines: true })
    ) {
      this.keyValue(path);
      this.skipBlank({ newlines: true });
      if (this.peek() === ',') this.advance(1);
    }
    this.advance(1);
  }

  /** A dotted key of bare, "basic" and 'literal' parts, decoded as smol-toml decodes it. */
  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipBlank({ newlines: false });
      const char = this.peek();
      if (char === '"' || char === "'") parts.push(this.string());
      else {
        const start = this.pos;
        while (BARE_KEY_CHAR.test(this.peek())) this.advance(1);
        parts.push(this.text.slice(start, this.pos));
      }
      this.skipBlank({ newlines: false });
      if (this.peek() !== '.') return parts;
      this.advance(1);
    }
  }

  /** Consumes any of the four string forms and returns its (decoded, for one-line forms) content. */
  private string(): string {
    const quote = this.peek();
    const delimiter = this.text.startsWith(quote.repeat(3), this.pos) ? quote.repeat(3) : quote;
    this.advance(delimiter.length);
    const start = this.pos;
    while (this.pos < this.text.length && !this.text.startsWith(delimiter, this.pos)) {
      this.advance(quote === '"' && this.peek() === '\\' ? 2 : 1);
    }
    const raw = this.text.slice(start, this.pos);
    this.advance(delimiter.length);
    // A multi-line string may end with up to two quotes of its own before the closing delimiter.
    for (let extra = 0; delimiter.length === 3 && extra < 2 && this.peek() === quote; extra += 1)
      this.advance(1);
    return quote === '"' ? unescape(raw) : raw;
  }

  private skipBlank({ newlines }: { newlines: boolean }): void {
    for (;;) {
      const char = this.peek();
      if (char === ' ' || char === '\t' || (newlines && (char === '\n' || char === '\r'))) this.advance(1);
      else if (char === '#') while (this.pos < this.text.length && this.peek() !== '\n') this.advance(1);
      else return;
    }
  }

  private skipPast(token: string): void {
    while (this.pos < this.text.length && !this.text.startsWith(token, this.pos)) this.advance(1);
    this.advance(token.length);
  }

  private peek(): string {
    return this.text[this.pos] ?? '';
  }

  private advance(count: number): void {
    for (let i = 0; i < count && this.pos < this.text.length; i += 1) {
      if (this.text[this.pos] === '\n') this.line += 1;
      this.pos += 1;
    }
  }

  /** Records the path and every ancestor not written earlier (`[a.b.c]` also defines a and a.b). */
  private recordAll(path: KeyPath, line = this.line): void {
    for (let length = 1; length <= path.length; length += 1) this.record(path.slice(0, length), line);
  }

  private record(path: KeyPath, line: number): void {
    const id = pathId(path);
    if (!this.lines.has(id)) this.lines.set(id, line);
  }
}

function unescape(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|.)/g, (_, code: string) => {
    if (code.length > 1) return String.fromCodePoint(parseInt(code.slice(1), 16));
    return ESCAPES[code] ?? code;
  });
}
