// The federation lab: instances over HTTPS with the lab CA, @handles that resolve from an
// instance's own processes, admin tokens, and a clean stop. Started programmatically and
// through `kith lab --json`, on SQLite (and on PostgreSQL when KITH_TEST_DATABASE_URL is set).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { type Lab, type LabInstance, startLab, trustLab } from "../../src/lab/lab.ts";
import { exitOf, runKith, spawnKith } from "../helpers/cli.ts";
import { POSTGRES_ADMIN_URL, POSTGRES_SKIP_REASON } from "../helpers/databases.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "kith-lab-"));
const QUIET = { KITH_LOG_LEVEL: "warning" };
after(() => rmSync(dir, { recursive: true, force: true }));

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function waitGone(pids: number[], timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isRunning) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(pids.filter(isRunning), [], "no instance process is left");
}

async function api(instance: { url: string }, path: string, token?: string) {
  const response = await fetch(`${instance.url}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Runs Fedify's WebFinger lookup in a process started with an instance's environment. */
function lookupFrom(instance: LabInstance, resource: string): Promise<Record<string, unknown>> {
  const script = `
    import { lookupWebFinger } from "@fedify/webfinger";
    const jrd = await lookupWebFinger(process.argv[1], { allowPrivateAddress: true });
    process.stdout.write(JSON.stringify(jrd));`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", script, resource],
      { env: instance.env, cwd: ROOT, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Record<string, unknown>);
      },
    );
  });
}

/** What every lab must do, whichever way it was started. */
async function checkLab(lab: { instances: LabInstance[] | Omit<LabInstance, "env" | "output">[] }) {
  const [a, b] = lab.instances as LabInstance[];
  assert.ok(a && b);
  for (const instance of [a, b]) {
    const { status, body } = await api(instance, "/api/v2/instance");
    assert.equal(status, 200);
    assert.equal(body.domain, instance.domain);
    const me = await api(instance, "/api/v1/accounts/verify_credentials", instance.adminToken);
    assert.equal(me.status, 200);
    assert.equal(me.body.username, instance.username);
    assert.equal(instance.handle, `@${instance.username}@${instance.domain}`);
  }
}

describe("kith lab, started programmatically [sqlite]", { timeout: 180_000 }, () => {
  let lab: Lab | undefined;
  after(() => lab?.stop());

  it("starts two HTTPS instances that refuse clients without the lab CA", async () => {
    lab = await startLab({ dir, basePort: 0, env: QUIET });
    assert.equal(lab.instances.length, 2);
    const [a, b] = lab.instances;
    assert.match(a!.url, /^https:\/\/a\.localhost:\d+$/);
    assert.match(b!.url, /^https:\/\/b\.localhost:\d+$/);
    assert.equal(a!.handle, "@alice@a.localhost");
    // The certificate is real TLS: without the CA this process refuses it.
    await assert.rejects(fetch(`${a!.localUrl}/health`), (error: Error) =>
      /certificate/i.test(String((error.cause as Error | undefined)?.message ?? error.message)),
    );
    trustLab(lab);
    await checkLab(lab);
    // The certificate also covers the loopback address.
    assert.equal((await fetch(`${a!.localUrl}/health`)).status, 200);
  });

  it("resolves each instance's @handle from the other instance's processes", async () => {
    const [a, b] = lab!.instances;
    // WebFinger for a handle goes to https://b.localhost/ (port 443): the lab sends it to b's port.
    const jrd = await lookupFrom(a!, `acct:${b!.username}@${b!.domain}`);
    assert.equal(jrd.subject, `acct:bob@b.localhost`);
    const self = (jrd.links as { rel: string; href: string }[]).find((l) => l.rel === "self");
    assert.equal(self?.href, `${b!.url}/users/bob`);
    const back = await lookupFrom(b!, `acct:alice@a.localhost`);
    assert.equal(back.subject, "acct:alice@a.localhost");
  });

  it("reports an instance that dies, and stops every instance", async () => {
    const pids = lab!.instances.map((i) => i.pid);
    assert.ok(pids.every(isRunning));
    process.kill(pids[1]!, "SIGKILL");
    assert.deepEqual(await lab!.unexpectedExit, { name: "b", code: "SIGKILL" });
    await lab!.stop();
    await waitGone(pids);
  });
});

describe("kith lab --json [sqlite]", { timeout: 180_000 }, () => {
  it("reuses the lab directory, prints one JSON document and stops on SIGTERM", async () => {
    const before = JSON.parse(readFileSync(join(dir, "a", "lab.json"), "utf8")) as {
      origin: string;
      adminToken: string;
    };
    // No --base-port: the ports the directory was set up with are used again.
    const child = spawnKith(["lab", "--dir", dir, "--json"], QUIET, ROOT);
    let stdout = "";
    child.stdout!.on("data", (d) => (stdout += d));
    let printed: {
      instances: (Omit<LabInstance, "env" | "output"> & { localUrl: string })[];
      caCert: string;
    } | null = null;
    const deadline = Date.now() + 90_000;
    while (!printed && Date.now() < deadline && child.exitCode === null) {
      try {
        printed = JSON.parse(stdout);
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.ok(printed, `JSON on stdout; output so far:\n${child.output()}`);
    try {
      assert.equal(printed.caCert, join(dir, "ca.crt"));
      const [a] = printed.instances;
      assert.equal(a!.url, before.origin);
      assert.equal(a!.adminToken, before.adminToken, "the token of the earlier run still works");
      assert.equal(a!.dataDir, join(dir, "a"));
      await checkLab(printed);
    } finally {
      child.kill("SIGTERM");
    }
    assert.equal(await exitOf(child, 30_000), 0);
    await waitGone(printed.instances.map((i) => i.pid));
  });

  it("explains itself and refuses bad options in one line", async () => {
    const help = await runKith(["lab", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /kith lab \[--instances N\]/);
    const tooMany = await runKith(["lab", "--instances", "9", "--dir", dir]);
    assert.equal(tooMany.code, 2);
    assert.equal(tooMany.stderr.trim().split("\n").length, 1);
    assert.match(tooMany.stderr, /--instances must be 2 to 5/);
    // The directory was set up for other ports: its origins cannot change.
    const moved = await runKith(["lab", "--dir", dir, "--base-port", "5"], QUIET);
    assert.equal(moved.code, 1);
    assert.match(
      moved.stderr,
      /^kith lab: .*\/a was set up as https:\/\/a\.localhost:\d+, not https:\/\/a\.localhost:5: run with --base-port \d+ or use another --dir\n$/,
    );
  });
});

describe("kith lab on PostgreSQL, port-less", {
  timeout: 180_000,
  skip: POSTGRES_ADMIN_URL ? false : POSTGRES_SKIP_REASON,
}, () => {
  const prefix = (() => {
    if (!POSTGRES_ADMIN_URL) return "";
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/kith_test_lab_${process.pid}_${randomBytes(3).toString("hex")}_`;
    return url.toString();
  })();
  const pgDir = join(dir, "pg");
  let lab: Lab | undefined;
  after(async () => {
    await lab?.stop();
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await client.connect();
    const name = new URL(prefix).pathname.slice(1);
    for (const n of ["a", "b"])
      await client.query(`DROP DATABASE IF EXISTS ${name}${n} WITH (FORCE)`);
    await client.end();
  });

  it("gives each instance its own database, here with port-less origins", async () => {
    lab = await startLab({
      dir: pgDir,
      basePort: 0,
      databaseUrlPrefix: prefix,
      portless: true,
      env: QUIET,
    });
    trustLab(lab);
    const [a, b] = lab.instances;
    assert.equal(a!.url, "https://a.localhost");
    assert.equal(a!.env.DATABASE_URL, `${prefix}a`);
    await checkLab(lab);
    const jrd = await lookupFrom(a!, "acct:bob@b.localhost");
    const self = (jrd.links as { rel: string; href: string }[]).find((l) => l.rel === "self");
    assert.equal(self?.href, "https://b.localhost/users/bob");
    assert.equal(b!.url, "https://b.localhost");
    const pids = lab.instances.map((i) => i.pid);
    await lab.stop();
    await waitGone(pids);
  });
});
