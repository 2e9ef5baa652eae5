// Subscribing the outbox to domain events loads nothing: local posts, boosts, favourites,
// pins, follows and profile changes with no remote account concerned never import Fedify. The
// first post with a remote follower does, and is delivered. SQLite only: this is about module
// loading, not storage.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { it } from "node:test";
import { promisify } from "node:util";

it("loads Fedify only for the first event that has to leave the server", {
  timeout: 90_000,
}, async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(import.meta.dirname, "outbox-lazy-child.ts")],
    { env: { ...process.env, KITH_TEST_DATABASE_URL: "" }, timeout: 80_000 },
  );
  const steps = stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  assert.deepEqual(steps[0], { step: "local only", loaded: [] });
  assert.equal(steps[1].step, "remote follower");
  assert.ok(steps[1].loaded.includes("@fedify/fedify"), JSON.stringify(steps[1]));
  assert.deepEqual(steps[1].received, ["Create"]);
});
