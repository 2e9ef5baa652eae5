import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runKith } from "../helpers/cli.ts";
import {
  createThrowawayDatabase,
  POSTGRES_ADMIN_URL,
  POSTGRES_SKIP_REASON,
  type ThrowawayDatabase,
} from "../helpers/databases.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "kith-cli-"));

describe("kith command: help and usage errors", () => {
  const commands = [
    [],
    ["serve"],
    ["web"],
    ["worker"],
    ["migrate"],
    ["accounts"],
    ...["create", "list", "set-role", "approve", "suspend", "unsuspend", "delete"].map((c) => [
      "accounts",
      c,
    ]),
  ];
  for (const command of commands) {
    it(`kith ${[...command, "--help"].join(" ")} prints usage and exits 0`, async () => {
      const r = await runKith([...command, "--help"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /kith/);
    });
  }

  it("gives every group's sub-commands their own help, and lines the command list up", async () => {
    for (const [group, sub, expected] of [
      ["domains", "block", /kith domains block/],
      ["email-domains", "block", /kith email-domains block/],
      ["reports", "resolve", /kith reports resolve/],
    ] as const) {
      const r = await runKith([group, sub, "--help"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, expected);
      assert.doesNotMatch(r.stdout, /^Commands:/m, `${group} ${sub} --help is not the group's`);
    }
    const top = await runKith(["--help"]);
    const columns = top.stdout
      .split("\n")
      .filter((l) => /^ {2}\S/.test(l))
      .map((l) => l.search(/(?<=^ {2}\S+ +)\S/));
    assert.equal(new Set(columns).size, 1, `summaries start in one column: ${columns}`);
  });

  it("refuses an unknown command with one line and exit code 2", async () => {
    const r = await runKith(["frobnicate"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /unknown command "frobnicate"/);
  });

  it("refuses unknown options and missing arguments with exit code 2", async () => {
    const dataDir = tmp();
    assert.equal((await runKith(["migrate", "--bogus"], { KITH_DATA_DIR: dataDir })).code, 2);
    assert.equal((await runKith(["accounts", "create"], { KITH_DATA_DIR: dataDir })).code, 2);
    const noEmail = await runKith(["accounts", "create", "bob"], { KITH_DATA_DIR: dataDir });
    assert.equal(noEmail.code, 2);
    assert.match(noEmail.stderr, /--email is required/);
    const badRole = await runKith(["accounts", "set-role", "bob", "king"], {
      KITH_DATA_DIR: dataDir,
    });
    assert.equal(badRole.code, 2);
  });
});

describe("kith command: start-up refuses bad configuration in one line", () => {
  const file = join(tmp(), "plain-file");
  writeFileSync(file, "");
  const cases: [string, Record<string, string>, RegExp][] = [
    ["DATABASE_URL=mysql://x", { DATABASE_URL: "mysql://x" }, /^kith: DATABASE_URL: /],
    ["PORT=abc", { PORT: "abc" }, /^kith: PORT: must be a whole number/],
    [
      "an unwritable data directory",
      { KITH_DATA_DIR: join(file, "data") },
      /^kith: KITH_DATA_DIR: .* is not a writable directory/,
    ],
  ];
  for (const [name, env, message] of cases) {
    it(`kith serve with ${name}`, async () => {
      const r = await runKith(["serve"], { KITH_DATA_DIR: tmp(), ...env });
      assert.notEqual(r.code, 0);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr.trim(), message);
      assert.doesNotMatch(r.stderr, /\bat .*\.ts:\d+/, "no stack trace");
    });
  }
});

for (const kind of ["sqlite", "postgres"] as const) {
  const skip = kind === "postgres" && !POSTGRES_ADMIN_URL ? POSTGRES_SKIP_REASON : false;
  describe(`kith accounts [${kind}]`, { skip }, () => {
    let database: ThrowawayDatabase;
    const kith = (...args: string[]) => runKith(args, database.env);
    before(async () => {
      database = await createThrowawayDatabase(kind);
    });
    after(async () => {
      await database?.drop();
    });

    it("kith migrate applies the schema, then has nothing to do", async () => {
      const first = await kith("migrate");
      assert.equal(first.code, 0, first.stderr);
      assert.match(first.stdout, /Applied: 0001_foundation/);
      const second = await kith("migrate");
      assert.match(second.stdout, /up to date/);
    });

    it("creates an account with a generated password and lists it", async () => {
      const r = await kith(
        "accounts",
        "create",
        "alice",
        "--email",
        "alice@example.test",
        "--role",
        "admin",
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Created @alice/);
      assert.match(r.stdout, /Password: \S{20,}/);
      const list = await kith("accounts", "list");
      assert.match(list.stdout, /\talice\talice@example\.test\tadmin\tactive/);
    });

    it("creates an account with a given password and prints none", async () => {
      const r = await kith(
        "accounts",
        "create",
        "bob",
        "--email",
        "bob@example.test",
        "--password",
        "a long enough secret",
      );
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /Password:/);
    });

    it("refuses taken, reserved and malformed usernames and weak passwords with a clear line", async () => {
      const taken = await kith("accounts", "create", "ALICE", "--email", "other@example.test");
      assert.equal(taken.code, 1);
      assert.match(taken.stderr, /Username has already been taken/);
      const reserved = await kith("accounts", "create", "admin", "--email", "a@example.test");
      assert.match(reserved.stderr, /Username is reserved/);
      const malformed = await kith("accounts", "create", "no spaces", "--email", "b@example.test");
      assert.match(malformed.stderr, /Username must contain only letters/);
      const weak = await kith(
        "accounts",
        "create",
        "carol",
        "--email",
        "c@example.test",
        "--password",
        "short",
      );
      assert.match(weak.stderr, /Password is too short/);
      const email = await kith("accounts", "create", "dave", "--email", "alice@EXAMPLE.test");
      assert.match(email.stderr, /Email has already been taken/);
    });

    it("sets roles, suspends, unsuspends and deletes", async () => {
      assert.equal((await kith("accounts", "set-role", "bob", "moderator")).code, 0);
      assert.match((await kith("accounts", "list")).stdout, /\tbob\t\S+\tmoderator\tactive/);
      assert.equal((await kith("accounts", "suspend", "bob")).code, 0);
      assert.match((await kith("accounts", "list")).stdout, /\tbob\t.*\tsuspended/);
      const twice = await kith("accounts", "suspend", "bob");
      assert.equal(twice.code, 1);
      assert.match(twice.stderr, /already suspended/);
      assert.equal((await kith("accounts", "unsuspend", "bob")).code, 0);
      assert.match((await kith("accounts", "list")).stdout, /\tbob\t.*\tactive/);
      assert.equal((await kith("accounts", "delete", "bob")).code, 0);
      assert.doesNotMatch((await kith("accounts", "list")).stdout, /\tbob\t/);
      const reuse = await kith("accounts", "create", "bob", "--email", "bob2@example.test");
      assert.match(
        reuse.stderr,
        /Username has already been taken/,
        "a deleted name stays reserved",
      );
    });

    it("approves pending accounts and says so when there is nothing to approve", async () => {
      const r = await kith("accounts", "approve", "alice");
      assert.equal(r.code, 1);
      assert.match(r.stderr, /already approved/);
      const missing = await kith("accounts", "approve", "nobody");
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /Record not found/);
    });
  });
}
