// Reading a policy file: JSON, validated against schema.ts, compiled. Any mistake refuses the
// whole file with where it is (field and line) and why; nothing of it is used.
import { readFileSync } from "node:fs";
import { type CompiledPolicy, CompileError, compilePolicy } from "./compile.ts";
import { describeParseError, lineOfPath } from "./json-lines.ts";
import { policySchema } from "./schema.ts";

export class RulesFileError extends Error {
  override name = "RulesFileError";
  readonly file: string;
  readonly line: number | null;
  /** e.g. local[2].when.pattern; null for the file as a whole */
  readonly field: string | null;
  readonly reason: string;
  constructor(file: string, line: number | null, field: string | null, reason: string) {
    const where = [line !== null ? `line ${line}` : null, field].filter(Boolean).join(", ");
    super(`${file}${where ? ` (${where})` : ""}: ${reason}`);
    this.file = file;
    this.line = line;
    this.field = field;
    this.reason = reason;
  }
}

/** Reads and compiles `path`; throws RulesFileError. */
export function loadPolicyFile(path: string): CompiledPolicy {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new RulesFileError(path, null, null, `cannot read the file (${code})`);
  }
  return compilePolicyText(text, path);
}

/** Parses, validates and compiles a policy's JSON text; `name` is used in messages. */
export function compilePolicyText(text: string, name: string): CompiledPolicy {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const { line, reason } = describeParseError(text, error as Error);
    throw new RulesFileError(name, line, null, `not valid JSON: ${reason}`);
  }
  const parsed = policySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    // An unknown key is reported on its object; point at the key itself.
    const keys = "keys" in issue ? (issue.keys as string[]) : [];
    const at = keys.length > 0 ? [...path, keys[0]!] : path;
    throw new RulesFileError(name, lineOfPath(text, at), fieldName(at), issue.message);
  }
  try {
    return compilePolicy(parsed.data);
  } catch (error) {
    if (!(error instanceof CompileError)) throw error;
    throw new RulesFileError(
      name,
      lineOfPath(text, error.path),
      fieldName(error.path),
      error.message,
    );
  }
}

function fieldName(path: readonly PropertyKey[]): string | null {
  if (path.length === 0) return null;
  return path
    .map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`))
    .join("");
}
