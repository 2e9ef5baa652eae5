// The instance's federation policy for one host, in one place: what its domain block says
// (Mastodon's DomainBlock.rule_for: the most specific block among the host and its parent
// domains wins) and, in allowlist mode (KITH_LIMITED_FEDERATION), whether it is allowed at
// all. Everything that lets another server in or out asks here: the inbox, remote fetches,
// deliveries, signed fetches, media (rejectsMedia) and reports (rejectsReports).
//
// Lookups are answered from memory. The whole policy (a few thousand rows at most) is loaded
// once per Kith and kept while the version in `settings` is unchanged; the version is read
// again at most every VERSION_CHECK_MS, so a change made by another process (a second web
// process, the `kith` command) is seen within that time, and at once in the process that made it.
import type { Config } from "../../config.ts";
import type { DomainBlockSeverity } from "../../db/schema.ts";
import type { Context } from "../context.ts";

export const POLICY_VERSION_KEY = "domain_policy_version";
const VERSION_CHECK_MS = 1000;

export interface DomainBlockRule {
  id: string;
  domain: string;
  severity: DomainBlockSeverity;
  rejectMedia: boolean;
  rejectReports: boolean;
  createdAt: string;
}

export interface HostPolicy {
  /** The most specific block covering the host, if any. */
  block: DomainBlockRule | null;
  /** False when nothing may pass between the host and this server (suspended, or not on the
   * allow list in allowlist mode). */
  federates: boolean;
  silenced: boolean;
  rejectsMedia: boolean;
  rejectsReports: boolean;
}

interface Snapshot {
  version: string;
  checkedAt: number;
  blocks: Map<string, DomainBlockRule>;
  allows: Set<string>;
  /** Answers already worked out from this snapshot, by host (every activity asks a few times). */
  answers: Map<string, HostPolicy>;
}

const MAX_ANSWERS = 10_000;

// Keyed by the configuration object, which every Context of one Kith shares (events.ts).
const snapshots = new WeakMap<Config, Promise<Snapshot>>();

async function readVersion(ctx: Context): Promise<string> {
  const row = await ctx.db.kysely
    .selectFrom("settings")
    .select("value")
    .where("key", "=", POLICY_VERSION_KEY)
    .executeTakeFirst();
  return row?.value ?? "0";
}

async function load(ctx: Context): Promise<Snapshot> {
  const version = await readVersion(ctx);
  const blocks = await ctx.db.kysely
    .selectFrom("domain_blocks")
    .select(["id", "domain", "severity", "reject_media", "reject_reports", "created_at"])
    .execute();
  const allows = await ctx.db.kysely.selectFrom("domain_allows").select("domain").execute();
  return {
    version,
    checkedAt: Date.now(),
    blocks: new Map(
      blocks.map((b) => [
        b.domain,
        {
          id: b.id,
          domain: b.domain,
          severity: b.severity,
          rejectMedia: b.reject_media === 1,
          rejectReports: b.reject_reports === 1,
          createdAt: b.created_at,
        },
      ]),
    ),
    allows: new Set(allows.map((a) => a.domain)),
    answers: new Map(),
  };
}

async function snapshot(ctx: Context): Promise<Snapshot> {
  const cached = snapshots.get(ctx.config);
  if (cached) {
    const current = await cached.catch(() => null);
    if (current && Date.now() - current.checkedAt < VERSION_CHECK_MS) return current;
    if (current && (await readVersion(ctx)) === current.version) {
      current.checkedAt = Date.now();
      return current;
    }
  }
  const fresh = load(ctx);
  snapshots.set(ctx.config, fresh);
  return fresh;
}

/** Marks the policy changed, inside the transaction that changes it (other processes see
 * the new version), and forgets this process's copy. Call `forgetPolicy` again after commit. */
export async function bumpPolicyVersion(ctx: Context): Promise<void> {
  const value = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  await ctx.db.kysely
    .insertInto("settings")
    .values({ key: POLICY_VERSION_KEY, value })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
    .execute();
  forgetPolicy(ctx);
}

export function forgetPolicy(ctx: Context): void {
  snapshots.delete(ctx.config);
}

/** The host itself (with its port, then without), then each parent domain. */
export function candidateDomains(host: string): string[] {
  const lower = host.trim().toLowerCase().replace(/\.$/, "");
  const port = /:\d+$/.exec(lower);
  const bare = port ? lower.slice(0, port.index) : lower;
  const labels = bare.split(".");
  const parents = labels.map((_, i) => labels.slice(i).join("."));
  return port ? [lower, ...parents] : parents;
}

function find<T>(host: string, has: (domain: string) => T | undefined): T | undefined {
  for (const candidate of candidateDomains(host)) {
    const found = has(candidate);
    if (found !== undefined) return found;
  }
  return undefined;
}

const ownHosts = new WeakMap<Config, Set<string>>();

const isOwnHost = (config: Config, host: string) => {
  let own = ownHosts.get(config);
  if (!own)
    ownHosts.set(
      config,
      (own = new Set([config.domain.toLowerCase(), new URL(config.origin).host.toLowerCase()])),
    );
  return own.has(host.toLowerCase());
};

const OWN_POLICY: Readonly<HostPolicy> = Object.freeze({
  block: null,
  federates: true,
  silenced: false,
  rejectsMedia: false,
  rejectsReports: false,
});

/** The policy for `host` (a host name, optionally with a port; not a URL). */
export async function policyFor(ctx: Context, host: string): Promise<HostPolicy> {
  if (isOwnHost(ctx.config, host)) return OWN_POLICY;
  const snap = await snapshot(ctx);
  let answer = snap.answers.get(host);
  if (!answer) {
    if (snap.answers.size >= MAX_ANSWERS) snap.answers.clear();
    answer = Object.freeze(workOut(ctx.config, snap, host));
    snap.answers.set(host, answer);
  }
  return answer;
}

function workOut(config: Config, snap: Snapshot, host: string): HostPolicy {
  const block = find(host, (d) => snap.blocks.get(d)) ?? null;
  const allowed =
    !config.limitedFederation ||
    find(host, (d) => (snap.allows.has(d) ? true : undefined)) === true;
  const federates = allowed && block?.severity !== "suspend";
  return {
    block,
    federates,
    silenced: block?.severity === "silence",
    rejectsMedia: !federates || (block?.rejectMedia ?? false),
    rejectsReports: !federates || (block?.rejectReports ?? false),
  };
}

/** The host of a URL, or null when it is not one. */
export function hostOfUrl(url: string): string | null {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
}

/** Nothing may pass between `host` and this server: suspended, or not allowed in allowlist mode. */
export const isSuspended = async (ctx: Context, host: string) =>
  !(await policyFor(ctx, host)).federates;

/** Its accounts are limited: seen by their followers only, kept off public timelines. */
export const isSilenced = async (ctx: Context, host: string) =>
  (await policyFor(ctx, host)).silenced;

/** Media from `host` (attachments, avatars, headers, emojis) must not be fetched or stored. */
export const rejectsMedia = async (ctx: Context, host: string) =>
  (await policyFor(ctx, host)).rejectsMedia;

/** Reports (Flag) from `host` are dropped. */
export const rejectsReports = async (ctx: Context, host: string) =>
  (await policyFor(ctx, host)).rejectsReports;

/** isSuspended for the host of a URL; an unparsable URL is refused too. */
export async function isSuspendedUrl(ctx: Context, url: string): Promise<boolean> {
  const host = hostOfUrl(url);
  return host === null || (await isSuspended(ctx, host));
}
