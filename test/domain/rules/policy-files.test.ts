// Policy files: a file with a mistake is refused with its field, line and reason; a refused
// reload keeps the rules in force whole; the published JSON Schema matches what Kith enforces
// and the shipped examples follow it.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import Ajv2020 from "ajv/dist/2020.js";
import { TextView } from "../../../src/domain/rules/conditions.ts";
import { reloadRules, rulesInForce } from "../../../src/domain/rules/in-force.ts";
import { rulesJsonSchema } from "../../../src/domain/rules/json-schema.ts";
import { compilePolicyText, RulesFileError } from "../../../src/domain/rules/load.ts";
import { testConfig } from "../../helpers/databases.ts";
import { localRule, SHIPPED_RULES, writeRulesFile } from "../../helpers/rules.ts";

const refusal = (text: string) => {
  try {
    compilePolicyText(text, "rules.json");
  } catch (error) {
    assert.ok(error instanceof RulesFileError, String(error));
    return { line: error.line, field: error.field, reason: error.reason, message: error.message };
  }
  assert.fail("the file was accepted");
};
const policy = (rule: Record<string, unknown>) =>
  JSON.stringify(
    {
      version: 1,
      local: [
        localRule("ok", { when: { forbiddenChars: "q" }, action: "reject", message: "no q" }),
        rule,
      ],
    },
    null,
    2,
  );

describe("refusing a bad policy file", () => {
  it("says where JSON stops parsing", () => {
    const r = refusal('{\n  "version": 1,\n  "local": [\n    { "id": "x", }\n  ]\n}');
    assert.equal(r.line, 4);
    assert.match(r.reason, /^not valid JSON: /);
    assert.match(r.message, /^rules\.json \(line 4\): not valid JSON/);
  });

  it("names the field, its line and the reason for a value of the wrong kind", () => {
    const r = refusal(
      policy({ id: "bad", when: { maxLinks: -1 }, action: "reject", message: "m" }),
    );
    assert.equal(r.field, "local[1].when.maxLinks");
    const line = policy({ id: "bad", when: { maxLinks: -1 }, action: "reject", message: "m" })
      .split("\n")
      .findIndex((l) => l.includes('"maxLinks"'));
    assert.equal(r.line, line + 1);
  });

  it("points at a key it does not know", () => {
    const text = policy({
      id: "bad",
      when: { forbidenChars: "e" },
      action: "reject",
      message: "m",
    });
    const r = refusal(text);
    assert.equal(r.field, "local[1].when.forbidenChars");
    assert.equal(r.line, text.split("\n").findIndex((l) => l.includes("forbidenChars")) + 1);
    assert.match(r.reason, /nrecognized key/);
  });

  it("refuses an unknown action and a duplicate id", () => {
    assert.equal(
      refusal(policy({ id: "x", when: {}, action: "delete", message: "m" })).field,
      "local[1].action",
    );
    const dup = refusal(policy({ id: "ok", when: {}, action: "reject", message: "m" }));
    assert.equal(dup.field, "local[1].id");
    assert.match(dup.reason, /used twice/);
  });

  it("refuses patterns that could backtrack, or are not patterns", () => {
    for (const [pattern, reason] of [
      ["(a+)+\\1", /linear time/],
      ["(?=x)y", /linear time/],
      ["a{5000}", /counted repetition/],
      ["(unclosed", /Unterminated group/],
    ] as const) {
      const text = policy({ id: "re", when: { pattern }, action: "reject", message: "m" });
      const r = refusal(text);
      assert.equal(r.field, "local[1].when.pattern", pattern);
      assert.match(r.reason, reason, pattern);
      assert.equal(r.line, text.split("\n").findIndex((l) => l.includes('"pattern"')) + 1);
    }
  });

  it("runs allowed patterns in linear time, even shapes that stall a backtracking engine", () => {
    const text = policy({
      id: "re",
      when: { pattern: "(a+)+b|.*.*=" },
      action: "reject",
      message: "m",
    });
    const compiled = compilePolicyText(text, "rules.json");
    const test = compiled.local[1]!.content[0]!;
    const started = performance.now();
    assert.equal(test(new TextView("a".repeat(20_000), "")), false);
    assert.ok(performance.now() - started < 1000);
  });
});

describe("loading and reloading the rules in force", () => {
  it("keeps the rules in force when a reload is refused, and takes a good file whole", () => {
    const path = writeRulesFile(
      policy({ id: "two", when: { forbiddenChars: "z" }, action: "reject", message: "no z" }),
    );
    const config = testConfig({ KITH_RULES_FILE: path });
    const first = rulesInForce(config);
    assert.deepEqual(
      first.local.map((r) => r.id),
      ["ok", "two"],
    );
    writeFileSync(
      path,
      policy({ id: "three", when: { pattern: "(x" }, action: "reject", message: "m" }),
    );
    assert.throws(
      () => reloadRules(config),
      (e: RulesFileError) => e.field === "local[1].when.pattern",
    );
    assert.equal(rulesInForce(config), first);
    writeFileSync(
      path,
      policy({ id: "three", when: { words: ["x"] }, action: "reject", message: "m" }),
    );
    reloadRules(config);
    assert.deepEqual(
      rulesInForce(config).local.map((r) => r.id),
      ["ok", "three"],
    );
  });

  it("refuses to start with a bad file, and has no rules without one", () => {
    const bad = writeRulesFile("{ nope", "bad.json");
    assert.throws(() => rulesInForce(testConfig({ KITH_RULES_FILE: bad })), /line 1/);
    const missing = testConfig({ KITH_RULES_FILE: join(bad, "..", "missing.json") });
    assert.throws(() => rulesInForce(missing), /cannot read the file \(ENOENT\)/);
    const dataDir = join(bad, "..");
    assert.equal(rulesInForce(testConfig({ KITH_DATA_DIR: dataDir })).local.length, 0);
  });
});

describe("the published schema", () => {
  it("is what Kith enforces (regenerate with node scripts/rules-schema.ts)", () => {
    const published = JSON.parse(readFileSync(join(SHIPPED_RULES, "schema.json"), "utf8"));
    assert.deepEqual(published, rulesJsonSchema());
  });

  it("accepts the shipped examples, which Kith loads", () => {
    const validate = new Ajv2020.default({ strict: false }).compile(rulesJsonSchema());
    for (const file of ["lipogram.json", "dolphin-town.json"]) {
      const text = readFileSync(join(SHIPPED_RULES, file), "utf8");
      assert.ok(validate(JSON.parse(text)), `${file}: ${JSON.stringify(validate.errors)}`);
      assert.equal(compilePolicyText(text, file).local.length, 1);
    }
  });
});
