import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { closeServer, listen } from "../../src/http/server.ts";
import { ensureServerCertificate, type LabCa, loadOrCreateCa } from "../../src/lab/certificates.ts";

const dir = mkdtempSync(join(tmpdir(), "kith-tls-"));
let ca: LabCa;
let tls: { cert: string; key: string; certPath: string; keyPath: string };

before(async () => {
  ca = await loadOrCreateCa(dir);
  const files = await ensureServerCertificate(ca, join(dir, "server"), ["kith.localhost"]);
  const other = await ensureServerCertificate(ca, join(dir, "other"), ["other.localhost"]);
  const { readFileSync } = await import("node:fs");
  tls = {
    ...files,
    cert: readFileSync(files.certPath, "utf8"),
    key: readFileSync(files.keyPath, "utf8"),
  };
  writeFileSync(join(dir, "mismatched.key"), readFileSync(other.keyPath));
  writeFileSync(join(dir, "garbage.pem"), "not a pem file\n");
});
after(() => rmSync(dir, { recursive: true, force: true }));

const base = () => ({ KITH_DATA_DIR: join(dir, "data"), KITH_SECRET_KEY: "x".repeat(40) });

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, ca: ca.cert, servername: "kith.localhost", agent: false },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("KITH_TLS_CERT and KITH_TLS_KEY", () => {
  it("are off by default and read both files when both are set", () => {
    assert.equal(loadConfig(base()).tls, null);
    const config = loadConfig({
      ...base(),
      KITH_TLS_CERT: tls.certPath,
      KITH_TLS_KEY: tls.keyPath,
    });
    assert.equal(config.tls?.cert, tls.cert);
    assert.equal(config.tls?.key, tls.key);
  });

  // Each case: the settings (file names are inside the test directory) and the one-line error.
  const refusals: [string, () => Record<string, string>, RegExp][] = [
    ["only the certificate", () => ({ KITH_TLS_CERT: tls.certPath }), /^KITH_TLS_KEY: set both/],
    ["only the key", () => ({ KITH_TLS_KEY: tls.keyPath }), /^KITH_TLS_CERT: set both/],
    [
      "an unreadable certificate",
      () => ({ KITH_TLS_CERT: "/nonexistent/cert.pem", KITH_TLS_KEY: tls.keyPath }),
      /^KITH_TLS_CERT: cannot read \/nonexistent\/cert\.pem \(ENOENT\)$/,
    ],
    [
      "a certificate that is not PEM",
      () => ({ KITH_TLS_CERT: join(dir, "garbage.pem"), KITH_TLS_KEY: tls.keyPath }),
      /^KITH_TLS_CERT: .* is not a PEM certificate$/,
    ],
    [
      "a key that is not PEM",
      () => ({ KITH_TLS_CERT: tls.certPath, KITH_TLS_KEY: join(dir, "garbage.pem") }),
      /^KITH_TLS_KEY: .* is not a PEM private key$/,
    ],
    [
      "a key for another certificate",
      () => ({ KITH_TLS_CERT: tls.certPath, KITH_TLS_KEY: join(dir, "mismatched.key") }),
      /^KITH_TLS_KEY: .* does not match KITH_TLS_CERT$/,
    ],
  ];
  for (const [what, env, message] of refusals) {
    it(`refuse ${what} in one line`, () => {
      assert.throws(
        () => loadConfig({ ...base(), ...env() }),
        (error: Error) =>
          error instanceof ConfigError &&
          message.test(error.message) &&
          !error.message.includes("\n"),
      );
    });
  }
});

describe("graceful HTTPS shutdown", () => {
  it("serves HTTPS with https request URLs and lets an in-flight request finish", async () => {
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const { server, port } = await listen(
      async (req) => {
        if (req.url.endsWith("/slow")) {
          entered();
          await sleep(300);
        }
        return new Response(`finished ${req.url}`);
      },
      "127.0.0.1",
      0,
      tls,
    );
    const quick = await get(port, "/quick");
    assert.equal(quick.body, `finished https://127.0.0.1:${port}/quick`);
    const inFlight = get(port, "/slow");
    await inside;
    const closing = closeServer(server, 5000);
    assert.equal((await inFlight).status, 200);
    await closing;
    await assert.rejects(get(port, "/"));
  });

  it("cuts a connection that never finished its TLS handshake at the timeout", async () => {
    const { server, port } = await listen(() => new Response("x"), "127.0.0.1", 0, tls);
    const raw = connect(port, "127.0.0.1");
    await new Promise((r) => raw.once("connect", r));
    const closed = new Promise((r) => raw.once("close", r));
    const started = Date.now();
    await closeServer(server, 300);
    assert.ok(Date.now() - started < 3000, `closed after ${Date.now() - started} ms`);
    await closed;
  });
});
