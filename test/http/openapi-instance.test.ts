// The OpenAPI helper itself: that it passes what conforms, fails what does not (naming where),
// honours its allow-list, and what it says about Kith's Instance entities.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { loadConfig } from "../../src/config.ts";
import { instanceV1, instanceV2 } from "../../src/http/entities/instance.ts";
import {
  OPENAPI_SCHEMA_PATH,
  OPENAPI_SKIP_REASON,
  validateEntity,
  validateResponse,
} from "../helpers/openapi.ts";

/** An Account with exactly the fields the schema requires, plus a nullable `moved`. */
function account(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "1",
    username: "alice",
    acct: "alice",
    display_name: "Alice",
    locked: false,
    bot: false,
    group: false,
    indexable: false,
    created_at: "2025-01-01T00:00:00.000Z",
    note: "",
    uri: "https://kith.example/users/alice",
    avatar: "https://kith.example/avatars/original/missing.png",
    avatar_static: "https://kith.example/avatars/original/missing.png",
    header: "https://kith.example/headers/original/missing.png",
    header_static: "https://kith.example/headers/original/missing.png",
    followers_count: 0,
    following_count: 0,
    statuses_count: 0,
    emojis: [],
    fields: [],
    moved: null,
    ...overrides,
  };
}

/** Runs `fn`, expects an AssertionError, and returns its message. */
async function failure(fn: () => Promise<void>): Promise<string> {
  let message = "";
  await assert.rejects(fn, (error: Error) => {
    assert.equal(error.name, "AssertionError");
    message = error.message;
    return true;
  });
  return message;
}

test("OPENAPI_SCHEMA_PATH points at the shared fixtures, outside the repository", () => {
  assert.match(OPENAPI_SCHEMA_PATH, /shared[/\\]fixtures[/\\]mastodon-openapi[/\\]schema\.json$/);
  assert.ok(OPENAPI_SKIP_REASON === false || OPENAPI_SKIP_REASON.includes(OPENAPI_SCHEMA_PATH));
});

describe("the OpenAPI helper", { skip: OPENAPI_SKIP_REASON }, () => {
  test("a minimal valid Account passes", async () => {
    await validateEntity("Account", account());
    await validateResponse("GET", "/api/v1/accounts/1", 200, account());
  });

  test("a wrong type fails, naming the pointer", async () => {
    const message = await failure(() =>
      validateEntity("Account", account({ followers_count: "3" })),
    );
    assert.match(message, /1 violation\n/);
    assert.match(message, /\/followers_count: must be integer \(got "3"\)/);
  });

  test("a missing required field is reported at its own pointer", async () => {
    const { group: _, ...withoutGroup } = account();
    const message = await failure(() => validateEntity("Account", withoutGroup));
    assert.match(message, /\/group: is required but missing/);
  });

  test("every violation is listed", async () => {
    const message = await failure(() =>
      validateEntity(
        "Account",
        account({ followers_count: "3", created_at: "yesterday", fields: [{ name: "a" }] }),
      ),
    );
    assert.match(message, /3 violations/);
    assert.match(message, /\/followers_count: /);
    assert.match(message, /\/created_at: must match format "date-time" \(got "yesterday"\)/);
    assert.match(message, /\/fields\/0\/value: is required but missing/);
  });

  test("the allow-list suppresses listed violations only", async () => {
    const bad = account({ followers_count: "3", statuses_count: "4" });
    await validateEntity("Account", account({ followers_count: "3" }), {
      allow: { "/followers_count": "test: a deliberate gap" },
    });
    const message = await failure(() =>
      validateEntity("Account", bad, { allow: { "/followers_count": "test: a deliberate gap" } }),
    );
    assert.match(message, /1 violation\n/);
    assert.match(message, /\/statuses_count: /);
    assert.doesNotMatch(message, /followers_count/);
  });

  test("a nullable entity reports the entity's gaps, not the null branch", async () => {
    const { indexable: _, ...moved } = account({ id: "2" });
    const message = await failure(() => validateEntity("Account", account({ moved })));
    assert.match(message, /1 violation\n\s+\/moved\/indexable: is required but missing$/);
    const wrong = await failure(() => validateEntity("Account", account({ moved: 5 })));
    assert.match(wrong, /\/moved: must be object or null \(got 5\)/);
  });

  test("routes: templated paths, `*` in allow patterns, literal segments first", async () => {
    const { indexable: _, ...moved } = account({ id: "2" });
    const followers = [account(), account({ id: "3", moved })];
    const message = await failure(() =>
      validateResponse("GET", "/api/v1/accounts/1/followers?limit=2", 200, followers),
    );
    assert.match(message, /^GET \/api\/v1\/accounts\/1\/followers → 200 does not match/);
    assert.match(message, /\/1\/moved\/indexable: is required but missing/);
    await validateResponse("GET", "/api/v1/accounts/1/followers", 200, followers, {
      allow: { "/*/moved": "test: moved accounts are rendered in short form" },
    });
    // Would fail as an Account if /api/v1/accounts/{id} were chosen over the literal path.
    await validateResponse("GET", "/api/v1/accounts/relationships", 200, []);
    await validateResponse("GET", "/api/v1/accounts/1", 404, { error: "Record not found" });
    await validateResponse("GET", "/api/v1/accounts/1", 410, "");
  });

  test("undocumented routes, methods and statuses fail", async () => {
    assert.match(
      await failure(() => validateResponse("GET", "/api/v1/nonexistent", 200, {})),
      /no path in the Mastodon OpenAPI schema matches \/api\/v1\/nonexistent/,
    );
    assert.match(
      await failure(() => validateResponse("DELETE", "/api/v2/instance", 200, {})),
      /documents no DELETE/,
    );
    assert.match(
      await failure(() => validateResponse("GET", "/api/v2/instance", 418, {})),
      /status 418 is not documented/,
    );
    await assert.rejects(() => validateEntity("NoSuchEntity", {}), /no component schema named/);
  });
});

describe("Kith's Instance entities against the schema", { skip: OPENAPI_SKIP_REASON }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), "kith-openapi-"));
  after(() => rmSync(dataDir, { recursive: true, force: true }));
  const config = loadConfig({
    KITH_DATA_DIR: dataDir,
    KITH_DEV_MODE: "true",
    KITH_SECRET_KEY: "x".repeat(40),
  });
  const stats = { userCount: 1, statusCount: 2, domainCount: 0, activeMonth: 1 };

  const withEmail = loadConfig({
    KITH_DATA_DIR: dataDir,
    KITH_SECRET_KEY: "x".repeat(40),
    KITH_CONTACT_EMAIL: "admin@social.example",
  });
  // Allowed gap: with no contact address configured, Mastodon and Kith both send "" (the schema
  // wants an e-mail format). With one configured, no gap is allowed.
  const unsetEmail = {
    "/contact/email": "no contact e-mail configured: Mastodon sends an empty string too",
    "/email": "no contact e-mail configured: Mastodon sends an empty string too",
  };

  test("GET /api/v2/instance", async () => {
    await validateResponse("GET", "/api/v2/instance", 200, instanceV2(withEmail, stats));
    await validateResponse("GET", "/api/v2/instance", 200, instanceV2(config, stats), {
      allow: unsetEmail,
    });
  });

  test("GET /api/v1/instance", async () => {
    await validateResponse("GET", "/api/v1/instance", 200, instanceV1(withEmail, stats));
    await validateResponse("GET", "/api/v1/instance", 200, instanceV1(config, stats), {
      allow: unsetEmail,
    });
  });
});
