import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../src/config.ts";

const dir = () => mkdtempSync(join(tmpdir(), "kith-config-"));

describe("configuration", () => {
  it("has working development defaults", () => {
    const dataDir = dir();
    const config = loadConfig({ KITH_DATA_DIR: dataDir });
    assert.equal(config.domain, "localhost:3000");
    assert.equal(config.origin, "http://localhost:3000");
    assert.equal(config.port, 3000);
    assert.equal(config.host, "127.0.0.1");
    assert.deepEqual(config.database, { kind: "sqlite", path: join(dataDir, "kith.sqlite") });
    assert.equal(config.devMode, false);
    assert.equal(config.logLevel, "info");
    assert.equal(config.registrations, "open");
    assert.equal(config.maxStatusChars, 500);
  });

  it("finds the rules file in KITH_RULES_FILE, else rules.json in the data directory", () => {
    const dataDir = dir();
    assert.deepEqual(loadConfig({ KITH_DATA_DIR: dataDir }).rulesFile, {
      path: join(dataDir, "rules.json"),
      required: false,
    });
    assert.deepEqual(
      loadConfig({ KITH_DATA_DIR: dataDir, KITH_RULES_FILE: "docs/rules/lipogram.json" }).rulesFile,
      { path: join(process.cwd(), "docs/rules/lipogram.json"), required: true },
    );
  });

  it("generates the secret key once and keeps it in the data directory", () => {
    const dataDir = dir();
    const first = loadConfig({ KITH_DATA_DIR: dataDir }).secretKey;
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.equal(loadConfig({ KITH_DATA_DIR: dataDir }).secretKey, first);
    assert.equal(readFileSync(join(dataDir, "secret.key"), "utf8").trim(), first);
    assert.equal(statSync(join(dataDir, "secret.key")).mode & 0o777, 0o600);
  });

  it("reads PostgreSQL from DATABASE_URL", () => {
    const config = loadConfig({ KITH_DATA_DIR: dir(), DATABASE_URL: "postgres://u@db:5432/kith" });
    assert.deepEqual(config.database, {
      kind: "postgres",
      url: "postgres://u@db:5432/kith",
      poolSize: 10,
    });
  });

  it("derives the domain from the origin", () => {
    const config = loadConfig({ KITH_DATA_DIR: dir(), KITH_ORIGIN: "https://social.example/" });
    assert.equal(config.origin, "https://social.example");
    assert.equal(config.domain, "social.example");
  });

  const bad: [string, Record<string, string>, RegExp][] = [
    ["DATABASE_URL", { DATABASE_URL: "mysql://x" }, /^DATABASE_URL: must start with postgres:\/\//],
    ["PORT", { PORT: "abc" }, /^PORT: must be a whole number/],
    ["PORT", { PORT: "70000" }, /^PORT: must be between 0 and 65535/],
    ["KITH_LOG_LEVEL", { KITH_LOG_LEVEL: "loud" }, /^KITH_LOG_LEVEL: /],
    ["KITH_DEV_MODE", { KITH_DEV_MODE: "maybe" }, /^KITH_DEV_MODE: must be true or false/],
    ["KITH_ORIGIN", { KITH_ORIGIN: "social.example/path" }, /^KITH_ORIGIN: must be an origin/],
    [
      "KITH_ORIGIN",
      { KITH_ORIGIN: "http://social.example" },
      /^KITH_ORIGIN: plain http is only allowed with KITH_DEV_MODE/,
    ],
    ["KITH_SECRET_KEY", { KITH_SECRET_KEY: "short" }, /^KITH_SECRET_KEY: must be at least 32/],
    ["KITH_REGISTRATIONS", { KITH_REGISTRATIONS: "sometimes" }, /^KITH_REGISTRATIONS: /],
  ];
  for (const [name, env, message] of bad) {
    it(`refuses a bad ${name} with a one-line message naming it (${JSON.stringify(env)})`, () => {
      assert.throws(
        () => loadConfig({ KITH_DATA_DIR: dir(), ...env }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError);
          assert.match(error.message, message);
          assert.ok(!error.message.includes("\n"), "one line");
          return true;
        },
      );
    });
  }

  it("refuses a data directory that cannot be written", () => {
    const file = join(dir(), "a-file");
    writeFileSync(file, "");
    assert.throws(
      () => loadConfig({ KITH_DATA_DIR: join(file, "data") }),
      /^ConfigError: KITH_DATA_DIR: .* is not a writable directory/,
    );
  });

  it("allows plain http on a non-local origin only in development mode", () => {
    const config = loadConfig({
      KITH_DATA_DIR: dir(),
      KITH_ORIGIN: "http://127.0.0.1:4000",
      KITH_DEV_MODE: "1",
    });
    assert.equal(config.devMode, true);
    assert.equal(config.domain, "127.0.0.1:4000");
  });
});
