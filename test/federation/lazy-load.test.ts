// Fedify (tens of megabytes with its vocabulary) is loaded only when something federates, and
// sharp, blurhash and file-type only when media is processed: a whole Kith serving pages and the
// API, with its worker running, never imports them.
// SQLite only: this is about module loading, not storage.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { it } from "node:test";
import { promisify } from "node:util";

it("loads Fedify with the first federation request, not before", { timeout: 60_000 }, async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(import.meta.dirname, "lazy-load-child.ts")],
    { env: { ...process.env, KITH_TEST_DATABASE_URL: "" }, timeout: 50_000 },
  );
  const steps = stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  assert.deepEqual(steps[0], { step: "idle", loaded: [] });
  assert.equal(steps[1].step, "webfinger 200");
  assert.ok(steps[1].loaded.includes("@fedify/fedify"), JSON.stringify(steps[1]));
  assert.ok(!steps[1].loaded.includes("sharp"), JSON.stringify(steps[1]));
  assert.equal(steps[2].step, "upload 200");
  for (const name of ["sharp", "blurhash", "file-type"])
    assert.ok(steps[2].loaded.includes(name), JSON.stringify(steps[2]));
});
