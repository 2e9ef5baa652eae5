// Every setting Kith reads, validated once at start-up. The rest of the code receives a typed
// Config and never looks at process.env itself.
import { createPrivateKey, randomBytes, X509Certificate } from "node:crypto";
import {
  accessSync,
  chmodSync,
  constants,
  mkdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";

export type LogLevel = "trace" | "debug" | "info" | "warning" | "error" | "fatal";
export type RegistrationMode = "open" | "approval" | "closed";

export interface Config {
  /** The instance's domain, as it appears in handles (`@alice@domain`). */
  domain: string;
  /** The public origin, e.g. `https://social.example`; no trailing slash. */
  origin: string;
  host: string;
  port: number;
  dataDir: string;
  database: { kind: "sqlite"; path: string } | { kind: "postgres"; url: string; poolSize: number };
  secretKey: string;
  logLevel: LogLevel;
  /** Allows plain HTTP and private addresses for federation; for development and tests only. */
  devMode: boolean;
  /**
   * Secure mode: ActivityPub GETs of objects and collections must be signed (and not by an
   * account the owner blocks); unsigned actor fetches get only keys and inboxes.
   */
  authorizedFetch: boolean;
  /** Allowlist mode: only domains on the allow list federate (KITH_LIMITED_FEDERATION). */
  limitedFederation: boolean;
  /** Who may read the list of blocked domains (Mastodon's show_domain_blocks). */
  showDomainBlocks: "disabled" | "users" | "all";
  title: string;
  description: string;
  /** Where the source of the running code can be had, as the AGPL asks. */
  sourceUrl: string;
  contactEmail: string;
  registrations: RegistrationMode;
  /**
   * Open registrations switch to approval by themselves when no admin or moderator has been
   * active for a week (Mastodon 4.3); false turns that off.
   */
  registrationsAutoApproval: boolean;
  maxStatusChars: number;
  maxBodyBytes: number;
  shutdownTimeoutMs: number;
  /** Federation messages (deliveries, received activities) each worker process handles at once. */
  federationConcurrency: number;
  /** Outgoing mail (sign-up confirmations); null sends nothing and confirms accounts at once. */
  smtp: { url: string; from: string } | null;
  /** Serve HTTPS with this PEM certificate (chain) and key; null serves plain HTTP. */
  tls: { cert: string; key: string } | null;
  /** Per-process request limits; each web process keeps its own counters. */
  rateLimits: {
    api: { limit: number; periodMs: number };
    signUp: { limit: number; periodMs: number };
    /** Per IP address; each e-mail address also gets this many attempts an hour. */
    signIn: { limit: number; periodMs: number };
    /** New streaming connections (WebSocket and SSE) per token, or per IP without one. */
    streaming: { limit: number; periodMs: number };
  };
  /** The instance policy (docs/rules/README.md): KITH_RULES_FILE, which must then exist, or
   * rules.json in the data directory when there is one. */
  rulesFile: { path: string; required: boolean };
  /** Uploaded media: where the files live (KITH_MEDIA_DIR, default `media` in the data
   * directory) and whether remote attachments are linked to or cached here. */
  media: { dir: string; remote: "link" | "cache" };
}

/** A configuration problem: start-up prints `message` on one line and exits non-zero. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

const bool = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ["1", "0", "true", "false", "yes", "no", "on", "off", ""].includes(v), {
    message: "must be true or false",
  })
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `must be between ${min} and ${max}` });

const domainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?::\d{1,5})?$/,
    "must be a host name such as social.example (optionally with :port)",
  );

const schema = z.object({
  KITH_DOMAIN: domainName.optional(),
  KITH_ORIGIN: z
    .string()
    .trim()
    .refine((v) => /^https?:\/\/[^/\s]+$/.test(v.replace(/\/$/, "")), {
      message: "must be an origin such as https://social.example (no path)",
    })
    .transform((v) => v.replace(/\/$/, ""))
    .optional(),
  HOST: z.string().trim().min(1, "must not be empty").default("127.0.0.1"),
  PORT: integer(0, 65535).default(3000),
  KITH_DATA_DIR: z.string().trim().min(1, "must not be empty").default("./data"),
  DATABASE_URL: z
    .string()
    .trim()
    .refine((v) => v === "" || /^(postgres|postgresql|sqlite):/.test(v), {
      message: "must start with postgres:// (or be unset for SQLite in the data directory)",
    })
    .optional(),
  KITH_DB_POOL_SIZE: integer(1, 200).default(10),
  KITH_SECRET_KEY: z.string().min(32, "must be at least 32 characters").optional(),
  KITH_LOG_LEVEL: z.enum(["trace", "debug", "info", "warning", "error", "fatal"]).default("info"),
  KITH_DEV_MODE: bool.default(false),
  KITH_AUTHORIZED_FETCH: bool.default(false),
  KITH_LIMITED_FEDERATION: bool.default(false),
  KITH_SHOW_DOMAIN_BLOCKS: z.enum(["disabled", "users", "all"]).default("all"),
  KITH_TITLE: z.string().trim().min(1).max(200).default("Kith"),
  KITH_DESCRIPTION: z
    .string()
    .max(2000)
    .default("A Kith server: a community that runs itself, on the fediverse."),
  KITH_SOURCE_URL: z.url("must be a URL").optional(),
  KITH_CONTACT_EMAIL: z.union([z.literal(""), z.email("must be an email address")]).default(""),
  KITH_REGISTRATIONS: z.enum(["open", "approval", "closed"]).default("open"),
  KITH_REGISTRATIONS_AUTO_APPROVAL: bool.default(true),
  KITH_MAX_STATUS_CHARS: integer(1, 100000).default(500),
  KITH_MAX_BODY_BYTES: integer(1024, 1024 * 1024 * 1024).default(1024 * 1024),
  KITH_SHUTDOWN_TIMEOUT_MS: integer(0, 600000).default(10000),
  KITH_FEDERATION_CONCURRENCY: integer(1, 256).default(16),
  KITH_SMTP_URL: z
    .string()
    .trim()
    .refine((v) => v === "" || /^smtps?:\/\/[^/\s]+/.test(v), {
      message: "must be an smtp:// or smtps:// URL, e.g. smtps://user:pass@mail.example:465",
    })
    .default(""),
  KITH_SMTP_FROM: z
    .string()
    .trim()
    .refine((v) => v === "" || /^(?:[^<>@\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/.test(v), {
      message: 'must be an address such as kith@social.example or "Kith <kith@social.example>"',
    })
    .default(""),
  KITH_TLS_CERT: z.string().trim().default(""),
  KITH_TLS_KEY: z.string().trim().default(""),
  KITH_RATE_LIMIT_API: integer(1, 1_000_000).default(300),
  KITH_RATE_LIMIT_API_PERIOD_S: integer(1, 86400).default(300),
  KITH_RATE_LIMIT_SIGN_UPS: integer(1, 1_000_000).default(5),
  KITH_RATE_LIMIT_SIGN_UP_PERIOD_S: integer(1, 86400).default(1800),
  KITH_RATE_LIMIT_SIGN_INS: integer(1, 1_000_000).default(25),
  KITH_RATE_LIMIT_SIGN_IN_PERIOD_S: integer(1, 86400).default(300),
  KITH_RATE_LIMIT_STREAMING: integer(1, 1_000_000).default(100),
  KITH_RATE_LIMIT_STREAMING_PERIOD_S: integer(1, 86400).default(300),
  KITH_RULES_FILE: z.string().trim().default(""),
  KITH_MEDIA_DIR: z.string().trim().default(""),
  KITH_REMOTE_MEDIA: z.enum(["link", "cache"]).default("link"),
});

/** Reads the environment into a Config; throws ConfigError with a one-line message. */
export function loadConfig(env: Env = process.env): Config {
  const parsed = schema.safeParse(
    Object.fromEntries(
      Object.entries(env).filter(([k, v]) => k in schema.shape && v !== undefined),
    ),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? "configuration");
    throw new ConfigError(`${name}: ${issue.message} (got ${JSON.stringify(env[name] ?? "")})`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.KITH_DATA_DIR);
  ensureWritableDir(dataDir);

  const port = e.PORT;
  const defaultHost = `localhost${port === 443 || port === 80 ? "" : `:${port}`}`;
  const domain = e.KITH_DOMAIN ?? (e.KITH_ORIGIN ? new URL(e.KITH_ORIGIN).host : defaultHost);
  const origin =
    e.KITH_ORIGIN ?? `${domain.startsWith("localhost") ? "http" : "https"}://${domain}`;
  if (
    origin.startsWith("http:") &&
    !e.KITH_DEV_MODE &&
    !/^http:\/\/localhost(:\d+)?$/.test(origin)
  ) {
    throw new ConfigError(
      `KITH_ORIGIN: plain http is only allowed with KITH_DEV_MODE=true (got ${JSON.stringify(origin)})`,
    );
  }

  const url = e.DATABASE_URL ?? "";
  const database: Config["database"] = url.startsWith("postgres")
    ? { kind: "postgres", url, poolSize: e.KITH_DB_POOL_SIZE }
    : {
        kind: "sqlite",
        path: url.startsWith("sqlite:")
          ? resolve(url.slice(7).replace(/^\/\//, ""))
          : join(dataDir, "kith.sqlite"),
      };

  return {
    domain,
    origin,
    host: e.HOST,
    port,
    dataDir,
    database,
    secretKey: e.KITH_SECRET_KEY ?? loadOrCreateSecret(dataDir),
    logLevel: e.KITH_LOG_LEVEL,
    devMode: e.KITH_DEV_MODE,
    // Allowlist mode implies authorized fetch, as in Mastodon.
    authorizedFetch: e.KITH_AUTHORIZED_FETCH || e.KITH_LIMITED_FEDERATION,
    limitedFederation: e.KITH_LIMITED_FEDERATION,
    showDomainBlocks: e.KITH_SHOW_DOMAIN_BLOCKS,
    title: e.KITH_TITLE,
    description: e.KITH_DESCRIPTION,
    sourceUrl: e.KITH_SOURCE_URL ?? `${origin}/about#source`,
    contactEmail: e.KITH_CONTACT_EMAIL,
    registrations: e.KITH_REGISTRATIONS,
    registrationsAutoApproval: e.KITH_REGISTRATIONS_AUTO_APPROVAL,
    maxStatusChars: e.KITH_MAX_STATUS_CHARS,
    maxBodyBytes: e.KITH_MAX_BODY_BYTES,
    shutdownTimeoutMs: e.KITH_SHUTDOWN_TIMEOUT_MS,
    federationConcurrency: e.KITH_FEDERATION_CONCURRENCY,
    smtp: e.KITH_SMTP_URL
      ? { url: e.KITH_SMTP_URL, from: e.KITH_SMTP_FROM || `kith@${domain.replace(/:\d+$/, "")}` }
      : null,
    tls: loadTls(e.KITH_TLS_CERT, e.KITH_TLS_KEY),
    rateLimits: {
      api: { limit: e.KITH_RATE_LIMIT_API, periodMs: e.KITH_RATE_LIMIT_API_PERIOD_S * 1000 },
      signUp: {
        limit: e.KITH_RATE_LIMIT_SIGN_UPS,
        periodMs: e.KITH_RATE_LIMIT_SIGN_UP_PERIOD_S * 1000,
      },
      signIn: {
        limit: e.KITH_RATE_LIMIT_SIGN_INS,
        periodMs: e.KITH_RATE_LIMIT_SIGN_IN_PERIOD_S * 1000,
      },
      streaming: {
        limit: e.KITH_RATE_LIMIT_STREAMING,
        periodMs: e.KITH_RATE_LIMIT_STREAMING_PERIOD_S * 1000,
      },
    },
    rulesFile: e.KITH_RULES_FILE
      ? { path: resolve(e.KITH_RULES_FILE), required: true }
      : { path: join(dataDir, "rules.json"), required: false },
    media: {
      dir: e.KITH_MEDIA_DIR ? resolve(e.KITH_MEDIA_DIR) : join(dataDir, "media"),
      remote: e.KITH_REMOTE_MEDIA,
    },
  };
}

/** Reads the certificate and key at start-up so that a mistake is one line, not a TLS stack. */
function loadTls(certPath: string, keyPath: string): Config["tls"] {
  if (!certPath && !keyPath) return null;
  if (!certPath || !keyPath) {
    throw new ConfigError(
      `${certPath ? "KITH_TLS_KEY" : "KITH_TLS_CERT"}: set both KITH_TLS_CERT and KITH_TLS_KEY, or neither`,
    );
  }
  const read = (name: string, path: string) => {
    try {
      return readFileSync(resolve(path), "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "error";
      throw new ConfigError(`${name}: cannot read ${resolve(path)} (${code})`);
    }
  };
  const cert = read("KITH_TLS_CERT", certPath);
  const key = read("KITH_TLS_KEY", keyPath);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new ConfigError(`KITH_TLS_CERT: ${resolve(certPath)} is not a PEM certificate`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new ConfigError(`KITH_TLS_KEY: ${resolve(keyPath)} is not a PEM private key`);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new ConfigError(`KITH_TLS_KEY: ${resolve(keyPath)} does not match KITH_TLS_CERT`);
  }
  return { cert, key };
}

function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK | constants.R_OK);
    // access() says yes to root on a read-only mount, so write a probe file too.
    const probe = join(dir, `.write-probe-${process.pid}`);
    writeFileSync(probe, "");
    unlinkSync(probe);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    throw new ConfigError(`KITH_DATA_DIR: ${dir} is not a writable directory (${code})`);
  }
}

/** The secret signs sessions and tokens; it is made once and kept beside the data. */
function loadOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, "secret.key");
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw new ConfigError(
        `KITH_SECRET_KEY: cannot read ${file} (${(error as NodeJS.ErrnoException).code})`,
      );
    }
  }
  const secret = randomBytes(32).toString("hex");
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return readFileSync(file, "utf8").trim();
    throw new ConfigError(`KITH_DATA_DIR: cannot write ${file} (${code})`);
  }
  return secret;
}
