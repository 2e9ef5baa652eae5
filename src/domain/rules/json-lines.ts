// Line numbers for policy files: where JSON.parse stopped, and where the value at a path
// (["local", 2, "when", "pattern"]) starts, so a refusal can say "line 14". The text is valid
// JSON when `lineOfPath` is called (JSON.parse accepted it), so the scanner can be small.

/** The 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** JSON.parse's message without its own position, and the line it stopped at. */
export function describeParseError(text: string, error: Error): { line: number; reason: string } {
  const position = /at position (\d+)/.exec(error.message);
  const reason = error.message.replace(/ in JSON at position \d+.*$/, "").replace(/\.$/, "");
  return { line: lineAt(text, position ? Number(position[1]) : text.length), reason };
}

/** The line where the value at `path` starts, or of its nearest ancestor that exists. */
export function lineOfPath(text: string, path: readonly PropertyKey[]): number {
  const scanner = new Scanner(text);
  return lineAt(text, scanner.find(path));
}

class Scanner {
  private i = 0;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
  }

  find(path: readonly PropertyKey[]): number {
    this.space();
    let found = this.i;
    for (const step of path) {
      const start = this.text[this.i];
      const next =
        start === "{" && typeof step === "string"
          ? this.seekKey(step)
          : start === "[" && typeof step === "number"
            ? this.seekIndex(step)
            : false;
      if (!next) return found;
      found = this.i;
    }
    return found;
  }

  private seekKey(key: string): boolean {
    this.i++; // {
    this.space();
    while (this.text[this.i] === '"') {
      const name = this.string();
      this.space();
      this.i++; // :
      this.space();
      if (name === key) return true;
      this.skipValue();
      this.space();
      if (this.text[this.i] === ",") this.i++;
      this.space();
    }
    return false;
  }

  private seekIndex(index: number): boolean {
    this.i++; // [
    this.space();
    for (let n = 0; this.text[this.i] !== "]" && this.i < this.text.length; n++) {
      if (n === index) return true;
      this.skipValue();
      this.space();
      if (this.text[this.i] === ",") this.i++;
      this.space();
    }
    return false;
  }

  private skipValue() {
    const c = this.text[this.i];
    if (c === '"') return void this.string();
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      this.i++;
      this.space();
      while (this.text[this.i] !== close && this.i < this.text.length) {
        this.skipValue();
        this.space();
        if (this.text[this.i] === ":" || this.text[this.i] === ",") this.i++;
        this.space();
      }
      this.i++;
      return;
    }
    while (this.i < this.text.length && !/[\s,\]}]/.test(this.text[this.i]!)) this.i++;
  }

  private string(): string {
    const start = this.i;
    this.i++;
    while (this.i < this.text.length && this.text[this.i] !== '"') {
      if (this.text[this.i] === "\\") this.i++;
      this.i++;
    }
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  private space() {
    while (this.i < this.text.length && /\s/.test(this.text[this.i]!)) this.i++;
  }
}
