// Policy files for tests: written to a fresh temporary directory, so each test file has its own.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SHIPPED_RULES = join(import.meta.dirname, "..", "..", "docs", "rules");

/** Writes `policy` (an object, or raw text for broken files) and returns the file's path. */
export function writeRulesFile(policy: unknown, name = "rules.json"): string {
  const dir = mkdtempSync(join(tmpdir(), "kith-rules-"));
  const path = join(dir, name);
  writeFileSync(path, typeof policy === "string" ? policy : JSON.stringify(policy, null, 2));
  return path;
}

/** A local rule with the defaults a test rarely cares about. */
export function localRule(id: string, rule: Record<string, unknown>) {
  return { id, unicode: { caseFold: true, confusables: true, stripMarks: true }, ...rule };
}
