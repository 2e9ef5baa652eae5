import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  ensureServerCertificate,
  loadOrCreateCa,
  serialNumber,
} from "../../src/lab/certificates.ts";

const dir = mkdtempSync(join(tmpdir(), "kith-lab-certs-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Status of GET / on a server using `certPath`, reached as `servername`, trusting `ca`. */
async function handshake(certPath: string, keyPath: string, servername: string, ca: string) {
  const server = createServer(
    { cert: readFileSync(certPath), key: readFileSync(keyPath) },
    (_req, res) => res.end("ok"),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  try {
    return await new Promise<string>((resolve) => {
      const req = request(
        { host: "127.0.0.1", port, servername, ca, agent: false, headers: { host: servername } },
        (res) => {
          res.resume();
          resolve(String(res.statusCode));
        },
      );
      req.on("error", (error: NodeJS.ErrnoException) => resolve(`${error.code}: ${error.message}`));
      req.end();
    });
  } finally {
    server.close();
  }
}

describe("lab certificates", () => {
  it("draws serials that are positive and minimal in DER, whatever the random bytes", () => {
    // A first byte of zero followed by one below 0x80 is "illegal padding" to OpenSSL, which
    // then refuses the whole certificate: it happened once in 256 before.
    for (const first of [0x00, 0x01, 0x3f, 0x7f, 0x80, 0xc0, 0xff]) {
      const random = new Uint8Array(16).fill(0x05);
      random[0] = first;
      const serial = serialNumber(random);
      assert.equal(serial.length, 16);
      assert.ok(serial[0]! >= 0x40 && serial[0]! <= 0x7f, `first byte ${serial[0]} for ${first}`);
      assert.deepEqual(serial.subarray(1), random.subarray(1));
    }
  });

  it("makes a CA once and reuses it, with its key readable only by the owner", async () => {
    const ca = await loadOrCreateCa(dir);
    const x509 = new X509Certificate(ca.cert);
    assert.equal(x509.ca, true);
    assert.equal(statSync(join(dir, "ca.key")).mode & 0o777, 0o600);
    const again = await loadOrCreateCa(dir);
    assert.equal(again.cert, ca.cert);
  });

  it("issues server certificates for the host name, localhost and loopback addresses", async () => {
    const ca = await loadOrCreateCa(dir);
    const leaf = await ensureServerCertificate(ca, join(dir, "a"), ["a.localhost"]);
    const x509 = new X509Certificate(readFileSync(leaf.certPath));
    assert.ok(x509.checkIssued(new X509Certificate(ca.cert)));
    assert.equal(x509.checkHost("a.localhost"), "a.localhost");
    assert.equal(x509.checkHost("localhost"), "localhost");
    assert.equal(x509.checkIP("127.0.0.1"), "127.0.0.1");
    assert.equal(x509.checkIP("::1"), "::1");
    assert.equal(x509.checkHost("b.localhost"), undefined);
    assert.equal(await handshake(leaf.certPath, leaf.keyPath, "a.localhost", ca.cert), "200");
    // Kept while it still fits; reissued when asked for another name.
    const same = await ensureServerCertificate(ca, join(dir, "a"), ["a.localhost"]);
    assert.equal(readFileSync(same.certPath, "utf8"), x509.toString());
    await ensureServerCertificate(ca, join(dir, "a"), ["other.localhost"]);
    const reissued = new X509Certificate(readFileSync(leaf.certPath));
    assert.equal(reissued.checkHost("other.localhost"), "other.localhost");
  });

  it("is refused by clients that do not trust the CA", async () => {
    const ca = await loadOrCreateCa(dir);
    const leaf = await ensureServerCertificate(ca, join(dir, "b"), ["b.localhost"]);
    const otherCa = await loadOrCreateCa(join(dir, "other"));
    assert.notEqual(otherCa.cert, ca.cert);
    const outcome = await handshake(leaf.certPath, leaf.keyPath, "b.localhost", otherCa.cert);
    assert.match(outcome, /^UNABLE_TO_VERIFY_LEAF_SIGNATURE|^UNABLE_TO_GET_ISSUER_CERT/);
  });

  it("cannot vouch for names outside localhost (name constraints)", async () => {
    const ca = await loadOrCreateCa(dir);
    const leaf = await ensureServerCertificate(ca, join(dir, "evil"), ["example.com"]);
    const outcome = await handshake(leaf.certPath, leaf.keyPath, "example.com", ca.cert);
    assert.match(outcome, /permitted subtree violation/);
  });
});
