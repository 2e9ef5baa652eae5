// The settings this area adds: outgoing mail and request limits.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../src/config.ts";

const dir = () => mkdtempSync(join(tmpdir(), "kith-config-"));

describe("configuration: mail and rate limits", () => {
  it("has Mastodon's limits and no mail by default", () => {
    const config = loadConfig({ KITH_DATA_DIR: dir() });
    assert.equal(config.smtp, null);
    assert.deepEqual(config.rateLimits, {
      api: { limit: 300, periodMs: 300_000 },
      signUp: { limit: 5, periodMs: 1_800_000 },
      signIn: { limit: 25, periodMs: 300_000 },
      streaming: { limit: 100, periodMs: 300_000 },
    });
  });

  it("reads SMTP settings, with a sender address on the instance's domain by default", () => {
    const config = loadConfig({
      KITH_DATA_DIR: dir(),
      KITH_ORIGIN: "https://social.example",
      KITH_SMTP_URL: "smtps://user:pass@mail.example:465",
    });
    assert.deepEqual(config.smtp, {
      url: "smtps://user:pass@mail.example:465",
      from: "kith@social.example",
    });
    const named = loadConfig({
      KITH_DATA_DIR: dir(),
      KITH_SMTP_URL: "smtp://127.0.0.1:2525",
      KITH_SMTP_FROM: "Kith <noreply@social.example>",
    });
    assert.equal(named.smtp?.from, "Kith <noreply@social.example>");
  });

  it("reads the limits", () => {
    const config = loadConfig({
      KITH_DATA_DIR: dir(),
      KITH_RATE_LIMIT_API: "10",
      KITH_RATE_LIMIT_API_PERIOD_S: "60",
      KITH_RATE_LIMIT_SIGN_UPS: "1",
      KITH_RATE_LIMIT_SIGN_UP_PERIOD_S: "3600",
      KITH_RATE_LIMIT_SIGN_INS: "3",
      KITH_RATE_LIMIT_SIGN_IN_PERIOD_S: "60",
      KITH_RATE_LIMIT_STREAMING: "4",
      KITH_RATE_LIMIT_STREAMING_PERIOD_S: "30",
    });
    assert.deepEqual(config.rateLimits, {
      api: { limit: 10, periodMs: 60_000 },
      signUp: { limit: 1, periodMs: 3_600_000 },
      signIn: { limit: 3, periodMs: 60_000 },
      streaming: { limit: 4, periodMs: 30_000 },
    });
  });

  for (const [env, message] of [
    [{ KITH_SMTP_URL: "http://mail.example" }, /^KITH_SMTP_URL: must be an smtp:\/\//],
    [{ KITH_SMTP_FROM: "not an address" }, /^KITH_SMTP_FROM: must be an address/],
    [{ KITH_RATE_LIMIT_API: "0" }, /^KITH_RATE_LIMIT_API: must be between 1 and/],
    [{ KITH_RATE_LIMIT_SIGN_UPS: "many" }, /^KITH_RATE_LIMIT_SIGN_UPS: must be a whole number/],
  ] as const) {
    it(`refuses ${JSON.stringify(env)} in one line`, () => {
      assert.throws(
        () => loadConfig({ KITH_DATA_DIR: dir(), ...env }),
        (error: unknown) =>
          error instanceof ConfigError &&
          message.test(error.message) &&
          !error.message.includes("\n"),
      );
    });
  }
});
