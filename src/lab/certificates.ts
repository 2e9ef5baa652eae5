// The federation lab's own certificate authority and the server certificates it signs, made
// with pkijs on WebCrypto (ECDSA P-256). Files are kept in the lab directory and reused until
// they near expiry or no longer cover the names asked for.
import { createHash, createPrivateKey, randomBytes, webcrypto, X509Certificate } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const DAY = 86_400_000;
/** Reissue anything that expires within this margin. */
const RENEW_BEFORE = 30 * DAY;
/** Apple platforms refuse TLS server certificates valid for more than 825 days, even private. */
const SERVER_DAYS = 397;
const CA_DAYS = 3650;
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

export interface LabCa {
  /** PEM */
  cert: string;
  key: string;
  certPath: string;
}

export interface ServerCertificate {
  certPath: string;
  keyPath: string;
}

/** Loads `ca.crt`/`ca.key` from `dir`, or makes a new CA there. */
export async function loadOrCreateCa(dir: string): Promise<LabCa> {
  mkdirSync(dir, { recursive: true });
  const certPath = join(dir, "ca.crt");
  const keyPath = join(dir, "ca.key");
  const existing = readPair(certPath, keyPath);
  if (existing && !expiresSoon(existing.x509) && existing.x509.ca) {
    return { cert: existing.cert, key: existing.key, certPath };
  }
  const keys = await generateKeys();
  const name = distinguishedName(`Kith federation lab CA ${randomBytes(4).toString("hex")}`);
  const certificate = await build({
    subject: name,
    issuer: name,
    subjectKey: keys.publicKey,
    signingKey: keys.privateKey,
    days: CA_DAYS,
    extensions: [
      extension("2.5.29.19", true, new pkijs.BasicConstraints({ cA: true, pathLenConstraint: 0 })),
      keyUsage(0x06, 1), // keyCertSign, cRLSign
      // The CA can only vouch for loopback names and addresses, so a leaked key (or a browser
      // that imported it) cannot be used against real sites.
      extension("2.5.29.30", true, loopbackConstraints()),
    ],
  });
  const cert = toPem(certificate);
  const key = await privateKeyPem(keys.privateKey);
  writeSecret(keyPath, key);
  writeFileSync(certPath, cert);
  return { cert, key, certPath };
}

/** Makes sure `dir/tls.crt` and `dir/tls.key` exist, signed by `ca`, valid for `hostNames`. */
export async function ensureServerCertificate(
  ca: LabCa,
  dir: string,
  hostNames: string[],
): Promise<ServerCertificate> {
  mkdirSync(dir, { recursive: true });
  const certPath = join(dir, "tls.crt");
  const keyPath = join(dir, "tls.key");
  const names = [...new Set(["localhost", ...hostNames, "127.0.0.1", "::1"])];
  const existing = readPair(certPath, keyPath);
  const caX509 = new X509Certificate(ca.cert);
  if (
    existing &&
    !expiresSoon(existing.x509) &&
    existing.x509.checkIssued(caX509) &&
    existing.x509.verify(caX509.publicKey) &&
    names.every((n) => (isIP(n) ? existing.x509.checkIP(n) : existing.x509.checkHost(n)))
  ) {
    return { certPath, keyPath };
  }
  const keys = await generateKeys();
  const caCertificate = pkijs.Certificate.fromBER(caX509.raw);
  const caKey = await webcrypto.subtle.importKey(
    "pkcs8",
    createPrivateKey(ca.key).export({ format: "der", type: "pkcs8" }),
    ALGORITHM,
    false,
    ["sign"],
  );
  const altNames = new pkijs.GeneralNames({
    names: names.map((n) =>
      isIP(n)
        ? new pkijs.GeneralName({
            type: 7,
            value: new asn1js.OctetString({ valueHex: ipBytes(n) }),
          })
        : new pkijs.GeneralName({ type: 2, value: n }),
    ),
  });
  const certificate = await build({
    subject: distinguishedName(hostNames[0] ?? "localhost"),
    issuer: caCertificate.subject,
    subjectKey: keys.publicKey,
    signingKey: caKey,
    days: SERVER_DAYS,
    authorityKeyId: keyIdentifier(caCertificate),
    extensions: [
      extension("2.5.29.19", true, new pkijs.BasicConstraints({ cA: false })),
      keyUsage(0x80, 7), // digitalSignature
      extension("2.5.29.37", false, new pkijs.ExtKeyUsage({ keyPurposes: [SERVER_AUTH] })),
      extension("2.5.29.17", false, altNames),
    ],
  });
  writeSecret(keyPath, await privateKeyPem(keys.privateKey));
  writeFileSync(certPath, toPem(certificate));
  return { certPath, keyPath };
}

interface BuildInput {
  subject: pkijs.RelativeDistinguishedNames;
  issuer: pkijs.RelativeDistinguishedNames;
  subjectKey: CryptoKey;
  signingKey: CryptoKey;
  days: number;
  authorityKeyId?: ArrayBuffer;
  extensions: pkijs.Extension[];
}

async function build(input: BuildInput): Promise<pkijs.Certificate> {
  const certificate = new pkijs.Certificate();
  certificate.version = 2;
  certificate.serialNumber = new asn1js.Integer({ valueHex: serialNumber(randomBytes(16)) });
  certificate.subject = input.subject;
  certificate.issuer = input.issuer;
  // An hour back, for clocks that differ a little between processes and machines.
  certificate.notBefore.value = new Date(Date.now() - 3_600_000);
  certificate.notAfter.value = new Date(Date.now() + input.days * DAY);
  await certificate.subjectPublicKeyInfo.importKey(input.subjectKey);
  const ski = keyIdentifier(certificate);
  certificate.extensions = [
    ...input.extensions,
    new pkijs.Extension({
      extnID: "2.5.29.14",
      critical: false,
      extnValue: new asn1js.OctetString({ valueHex: ski }).toBER(false),
    }),
    ...(input.authorityKeyId
      ? [
          extension(
            "2.5.29.35",
            false,
            new pkijs.AuthorityKeyIdentifier({
              keyIdentifier: new asn1js.OctetString({ valueHex: input.authorityKeyId }),
            }),
          ),
        ]
      : []),
  ];
  await certificate.sign(input.signingKey, "SHA-256");
  return certificate;
}

/**
 * A positive serial whose first byte is not zero. DER integers are minimal, and OpenSSL refuses
 * a certificate whose serial starts with a zero byte followed by one below 0x80 ("illegal
 * padding"), which plain random bytes gave one time in 256.
 */
export function serialNumber(random: Uint8Array): Uint8Array {
  const serial = Uint8Array.from(random);
  serial[0] = (serial[0]! & 0x3f) | 0x40;
  return serial;
}

function extension(id: string, critical: boolean, value: { toSchema(): asn1js.AsnType }) {
  return new pkijs.Extension({
    extnID: id,
    critical,
    extnValue: value.toSchema().toBER(false),
  });
}

function keyUsage(bits: number, unusedBits: number): pkijs.Extension {
  const value = new asn1js.BitString({ valueHex: new Uint8Array([bits]).buffer, unusedBits });
  return new pkijs.Extension({
    extnID: "2.5.29.15",
    critical: true,
    extnValue: value.toBER(false),
  });
}

function loopbackConstraints(): pkijs.NameConstraints {
  const subtree = (name: pkijs.GeneralName) => new pkijs.GeneralSubtree({ base: name });
  const ipRange = (bytes: number[]) =>
    new pkijs.GeneralName({
      type: 7,
      value: new asn1js.OctetString({ valueHex: new Uint8Array(bytes).buffer }),
    });
  return new pkijs.NameConstraints({
    permittedSubtrees: [
      // A dNSName constraint covers the name and every name below it.
      subtree(new pkijs.GeneralName({ type: 2, value: "localhost" })),
      subtree(ipRange([127, 0, 0, 0, 255, 0, 0, 0])),
      subtree(ipRange([...ipBytesArray("::1"), ...new Array<number>(16).fill(255)])),
    ],
  });
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey bits. */
function keyIdentifier(certificate: pkijs.Certificate): ArrayBuffer {
  const bits = certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
  const digest = createHash("sha1").update(bits).digest();
  return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength);
}

function distinguishedName(commonName: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [
      new pkijs.AttributeTypeAndValue({
        type: "2.5.4.3",
        value: new asn1js.Utf8String({ value: commonName }),
      }),
    ],
  });
}

function ipBytesArray(ip: string): number[] {
  if (isIP(ip) === 4) return ip.split(".").map(Number);
  // Only the forms the lab uses: "::1" and full addresses.
  const [head = "", tail = ""] = ip.split("::");
  const groups = (s: string) => (s ? s.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const h = groups(head);
  const t = groups(tail);
  const all = ip.includes("::")
    ? [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t]
    : h;
  return all.flatMap((g) => [g >> 8, g & 0xff]);
}

function ipBytes(ip: string): ArrayBuffer {
  return new Uint8Array(ipBytesArray(ip)).buffer;
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, [
    "sign",
    "verify",
  ])) as webcrypto.CryptoKeyPair;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" })
    .export({ format: "pem", type: "pkcs8" })
    .toString();
}

function toPem(certificate: pkijs.Certificate): string {
  const base64 = Buffer.from(certificate.toSchema(true).toBER(false)).toString("base64");
  return `-----BEGIN CERTIFICATE-----\n${base64.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
}

function readPair(certPath: string, keyPath: string) {
  try {
    const cert = readFileSync(certPath, "utf8");
    const key = readFileSync(keyPath, "utf8");
    const x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) return null;
    return { cert, key, x509 };
  } catch {
    return null;
  }
}

const expiresSoon = (x509: X509Certificate) =>
  new Date(x509.validTo).getTime() - Date.now() < RENEW_BEFORE;

function writeSecret(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}
