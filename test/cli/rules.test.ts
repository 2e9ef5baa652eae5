// `kith rules check|test|simulate|install` as a child process: exit codes and output, on both
// databases where one is read (simulate), which must change nothing.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { createStatus } from "../../src/domain/statuses/create.ts";
import { receiveRemoteStatus } from "../../src/domain/statuses/receive.ts";
import { loadViewer } from "../../src/domain/viewer.ts";
import { insertRemoteAccount } from "../helpers/accounts.ts";
import { runKith } from "../helpers/cli.ts";
import {
  createThrowawayDatabase,
  type DatabaseFixture,
  eachDatabase,
} from "../helpers/databases.ts";
import { SHIPPED_RULES, writeRulesFile } from "../helpers/rules.ts";
import { createUser } from "../helpers/users.ts";

const LIPOGRAM = join(SHIPPED_RULES, "lipogram.json");
const DOLPHIN = join(SHIPPED_RULES, "dolphin-town.json");
const LIPOGRAM_MESSAGE = JSON.parse(readFileSync(LIPOGRAM, "utf8")).local[0].message;

describe("kith rules test and check", () => {
  it("exits 0 for an allowed text and 1 for a refused one, naming the rule and its message", async () => {
    const allowed = await runKith(["rules", "test", "--rules", LIPOGRAM, "A quick brown fox"]);
    assert.deepEqual(allowed, { code: 0, stdout: "Allowed.\n", stderr: "" });
    const refused = await runKith(["rules", "test", "--rules", LIPOGRAM, "Zw\u200bｅi"]);
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, `Refused by rule no-letter-e (text): ${LIPOGRAM_MESSAGE}\n`);
    const warned = await runKith(["rules", "test", "--rules", LIPOGRAM, "--spoiler", "Tеxt", "ok"]);
    assert.equal(warned.code, 1);
    assert.match(warned.stdout, /no-letter-e \(spoiler_text\)/);
    assert.equal((await runKith(["rules", "test", "--rules", DOLPHIN, "Eeeé, EEE!"])).code, 0);
  });

  it("prints what rules would change", async () => {
    const file = writeRulesFile({
      version: 1,
      local: [{ id: "loud", when: { pattern: "!!!" }, action: "mark_sensitive", message: "Loud." }],
    });
    const result = await runKith(["rules", "test", "--rules", file, "hey!!!"]);
    assert.equal(result.code, 0);
    assert.equal(
      result.stdout,
      "Allowed, with changes:\n  mark_sensitive by rule loud (text): Loud.\n",
    );
  });

  it("checks a file: OK, or its line and reason with exit 1 (2 for test)", async () => {
    const ok = await runKith(["rules", "check", "--rules", DOLPHIN]);
    assert.equal(ok.code, 0);
    assert.equal(ok.stdout, `${DOLPHIN}: OK, 1 local and 0 incoming rules.\n`);
    const bad = writeRulesFile('{\n  "version": 2\n}');
    const refused = await runKith(["rules", "check", "--rules", bad]);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /\(line 2, version\): Invalid input: expected 1/);
    const tested = await runKith(["rules", "test", "--rules", bad, "x"]);
    assert.equal(tested.code, 2);
    assert.match(tested.stderr, /line 2/);
    assert.equal((await runKith(["rules", "test"])).code, 2);
  });

  it("installs a shipped policy into the data directory, which is then in force", async () => {
    const { env, dataDir, drop } = await createThrowawayDatabase("sqlite");
    try {
      const installed = await runKith(["rules", "install", "dolphin-town"], env);
      assert.equal(installed.code, 0, installed.stderr);
      assert.ok(existsSync(join(dataDir, "rules.json")));
      assert.equal((await runKith(["rules", "install", "lipogram"], env)).code, 1);
      assert.equal((await runKith(["rules", "install", "lipogram", "--force"], env)).code, 0);
      assert.equal((await runKith(["rules", "test", "hello"], env)).code, 1);
      assert.equal((await runKith(["rules", "test", "hallo"], env)).code, 0);
      assert.equal((await runKith(["rules", "install", "nonesuch"], env)).code, 2);
    } finally {
      await drop();
    }
  });
});

eachDatabase("kith rules simulate", (fixture) => {
  const envOf = ({ config }: DatabaseFixture) => ({
    KITH_DATA_DIR: config.dataDir,
    ...(config.database.kind === "postgres" ? { DATABASE_URL: config.database.url } : {}),
  });

  it("reports what a policy would have done to recent posts, and changes nothing", async () => {
    const { ctx } = fixture();
    const user = await createUser(ctx, { username: "writer" });
    const viewer = await loadViewer(ctx, user.accountId);
    const kept = await createStatus(ctx, viewer, { text: "A short story" });
    const refused = await createStatus(ctx, viewer, { text: "The end" });
    const remoteId = await insertRemoteAccount(ctx.db, { username: "far", domain: "far.example" });
    const remote = await receiveRemoteStatus(ctx, {
      uri: "https://far.example/notes/1",
      url: null,
      accountId: remoteId,
      inReplyTo: null,
      inReplyToUri: null,
      content: "<p>Buy at the casino</p>",
      spoilerText: "",
      sensitive: false,
      visibility: "public",
      language: null,
      createdAt: new Date().toISOString(),
      mentionedAccountIds: [],
      notifyAccountIds: [],
      tags: [],
    });
    const policy = JSON.parse(readFileSync(LIPOGRAM, "utf8"));
    policy.incoming = [
      { id: "casinos", domains: ["far.example"], when: { words: ["casino"] }, action: "unlisted" },
    ];
    const file = writeRulesFile(policy);

    const result = await runKith(
      ["rules", "simulate", "--rules", file, "--days", "1"],
      envOf(fixture()),
    );
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split("\n");
    assert.equal(
      lines[0],
      `Checked 2 local and 1 received posts from the last 1 days against ${file}.`,
    );
    assert.deepEqual(
      lines
        .slice(1, -1)
        .map((l) => l.split("\t"))
        .map((f) => [f[0], f[1], f[3], f[4], f[5]]),
      [
        ["local", refused.id, "@writer", "refuse", "no-letter-e"],
        ["incoming", remote.status.id, "@far@far.example", "unlisted", "casinos"],
      ],
    );
    assert.equal(
      lines.at(-1),
      "Would refuse 1 and change 0 local posts; refuse 0 and change 1 received posts. Nothing was changed.",
    );
    const statuses = await ctx.db.kysely.selectFrom("statuses").selectAll().orderBy("id").execute();
    assert.deepEqual(
      statuses.map((s) => [s.id, s.visibility]),
      [
        [kept.id, "public"],
        [refused.id, "public"],
        [remote.status.id, "public"],
      ].sort(),
    );
    assert.deepEqual(await ctx.db.kysely.selectFrom("rule_actions").selectAll().execute(), []);
    const usage = await runKith(["rules", "simulate", "--rules", file], envOf(fixture()));
    assert.equal(usage.code, 2);
  });
});
