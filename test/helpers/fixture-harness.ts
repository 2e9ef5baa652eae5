// Running the shared ActivityPub fixtures through Kith: a federation made for the test (an
// in-memory key–value store, no queue, so handlers run inside the request; documents and
// keys loaded from the fake fediverse, which serves the fixtures' hosts), Kith's inbox on it,
// and helpers to set the scene each fixture needs (local accounts and statuses, remote
// actors, a local follower). Every delivery is signed by its actor's key on the fake server,
// so signature checking stays on; the fixtures' own signatures are not ours to reproduce.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createFederation, type Federation, MemoryKvStore } from "@fedify/fedify";
import { newId } from "../../src/db/ids.ts";
import type { Visibility } from "../../src/db/schema.ts";
import { findLocalActor } from "../../src/domain/accounts/local-actors.ts";
import type { Context } from "../../src/domain/context.ts";
import { registerActor } from "../../src/federation/actor.ts";
import { registerCollections } from "../../src/federation/collections.ts";
import type { ReportedOutcome } from "../../src/federation/inbox/env.ts";
import { handleInboxPost } from "../../src/federation/inbox/http.ts";
import { registerInbox } from "../../src/federation/inbox/index.ts";
import { resolveActor } from "../../src/federation/remote/actors.ts";
import { tolerantContextLoader } from "../../src/federation/remote/contexts.ts";
import { Refusal, type RemoteEnv } from "../../src/federation/remote/documents.ts";
import { RemoteError } from "../../src/federation/remote/loader.ts";
import type { FakeActor, FakeFediverse, PostOptions } from "./fake-fediverse.ts";
import { createUser } from "./users.ts";

export const FIXTURES = join(
  import.meta.dirname,
  "..",
  "..",
  "..",
  "shared",
  "fixtures",
  "activitypub",
);

export type Result = ReportedOutcome["result"];
export interface Outcome {
  result: Result;
  reason: string;
}

// biome-ignore lint/suspicious/noExplicitAny: fixtures are arbitrary JSON
export type Json = any;

/** Tables emptied between fixtures, children first. */
const TABLES = [
  // Fedify's store, where the shared inbox's in-request path remembers processed activities
  "fedify_kv",
  "notifications",
  "poll_votes",
  "polls",
  "report_statuses",
  "reports",
  "home_feed",
  "status_mentions",
  "status_tags",
  "favourites",
  "bookmarks",
  "status_pins",
  "conversation_mutes",
  "idempotency_keys",
  "statuses",
  "tags",
  "follows",
  "follow_requests",
  "blocks",
  "mutes",
  "account_notes",
  "tombstones",
  "oauth_tokens",
  "users",
  "accounts",
] as const;

export class FixtureHarness {
  readonly kith: Context;
  readonly fake: FakeFediverse;
  readonly env: RemoteEnv;
  readonly origin: string;
  federation!: Federation<Context>;
  outcomes: ReportedOutcome[] = [];
  /** Prefix rewrites (fixture's "local" server → Kith) for the current fixture */
  rewrites: [string, string][] = [];
  readonly #actors = new Map<string, FakeActor>();

  constructor(kith: Context, fake: FakeFediverse) {
    this.kith = kith;
    this.fake = fake;
    this.origin = kith.config.origin;
    this.env = {
      kith,
      loader: fake.loader,
      contextLoader: tolerantContextLoader(fake.contextLoader),
    };
  }

  /** A fresh scene: empty tables, a fresh federation (and so no idempotency memory). */
  async reset(rewrites: [string, string][]): Promise<void> {
    for (const table of TABLES) await this.kith.db.kysely.deleteFrom(table).execute();
    this.outcomes = [];
    this.rewrites = rewrites.map(([from, to]) => [from, to.replace("{kith}", this.origin)]);
    const federation = createFederation<Context>({
      kv: new MemoryKvStore(),
      origin: this.origin,
      documentLoaderFactory: () => this.fake.loader,
      contextLoaderFactory: () => this.env.contextLoader,
    });
    registerActor(federation);
    registerCollections(federation);
    registerInbox(federation, {
      loader: () => this.fake.loader,
      onOutcome: (o) => this.outcomes.push(o),
    });
    this.federation = federation;
  }

  text(file: string): string {
    let text = readFileSync(join(FIXTURES, file), "utf8");
    for (const [from, to] of this.rewrites) text = text.replaceAll(from, to);
    return text;
  }

  /** The fixture as JSON, rewritten; local accounts it names are created. */
  async json(file: string): Promise<Json> {
    const text = this.text(file);
    const escaped = this.origin.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    for (const m of text.matchAll(new RegExp(`${escaped}/users/([A-Za-z0-9_]+)`, "g")))
      await this.local(m[1]!);
    return JSON.parse(text);
  }

  async local(username: string): Promise<string> {
    const found = await findLocalActor(this.kith, username);
    if (found) return found.account.id;
    return (await createUser(this.kith, { username })).accountId;
  }

  /** A local status with a given URI (fixtures name local objects by their own URIs). */
  async localStatus(uri: string, username = "lain", visibility: Visibility = "public") {
    const accountId = await this.local(username);
    const id = newId();
    const now = new Date().toISOString();
    await this.kith.db.kysely
      .insertInto("statuses")
      .values({
        id,
        uri,
        url: uri,
        account_id: accountId,
        local: 1,
        in_reply_to_id: null,
        in_reply_to_account_id: null,
        in_reply_to_uri: null,
        reblog_of_id: null,
        thread_id: id,
        content: "<p>local</p>",
        visibility,
        language: null,
        application_id: null,
        created_at: now,
        edited_at: null,
        updated_at: now,
      })
      .execute();
    return id;
  }

  /** The fake actor at `uri`, made (with a key) and served the first time. */
  async actor(uri: string, extra: Record<string, unknown> = {}): Promise<FakeActor> {
    let actor = this.#actors.get(uri);
    if (!actor || Object.keys(extra).length > 0) {
      actor = await this.fake.actor(uri, extra);
      this.#actors.set(uri, actor);
    }
    return actor;
  }

  /** A local account follows the actor: what makes its posts concern this server. */
  async followed(uri: string): Promise<string> {
    await this.actor(uri);
    const account = await resolveActor(this.env, uri);
    const watcher = await this.local("watcher");
    await this.kith.db.kysely
      .insertInto("follows")
      .values({
        id: newId(),
        account_id: watcher,
        target_account_id: account.id,
        uri: null,
        languages: null,
        created_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    return account.id;
  }

  /** Serves a document at its id (or `url`), its author as an actor too. */
  async serve(json: Json, url?: string, contentType?: string) {
    this.fake.serve(url ?? json.id, json, contentType ? { contentType } : {});
    const author = idOf(
      Array.isArray(json.attributedTo) ? json.attributedTo[0] : json.attributedTo,
    );
    if (author && !this.#actors.has(author)) await this.actor(author);
  }

  /** Signs `activity` as its actor (or `signer`) and hands it to Kith's inbox. */
  async deliver(activity: Json, options: PostOptions & { signer?: FakeActor } = {}) {
    const actorUri = idOf(activity.actor);
    const signer = options.signer ?? (actorUri ? await this.actor(actorUri) : null);
    const request = await this.fake.sign(signer, `${this.origin}/inbox`, activity, options);
    const before = this.outcomes.length;
    const response = await handleInboxPost(this.kith, request, this.federation);
    const text = await response.text();
    const reported = this.outcomes.slice(before);
    if (!response.ok)
      return { result: "refused" as const, reason: `HTTP ${response.status} ${text}` };
    return (
      reported.at(-1) ?? {
        result: "ignored" as const,
        reason: `HTTP ${response.status}, no handler`,
      }
    );
  }

  /** Runs a remote look-up; its value or refusal as an outcome. */
  async attempt(run: () => Promise<unknown>, stored = "stored"): Promise<Outcome> {
    try {
      const value = await run();
      return value === null || value === undefined
        ? { result: "ignored", reason: "nothing to store" }
        : { result: "stored", reason: stored };
    } catch (error) {
      if (error instanceof Refusal || error instanceof RemoteError)
        return { result: "refused", reason: error.message };
      throw error;
    }
  }

  statusByUri(uri: string) {
    return this.kith.db.kysely
      .selectFrom("statuses")
      .selectAll()
      .where("uri", "=", uri)
      .executeTakeFirst();
  }

  accountByUri(uri: string) {
    return this.kith.db.kysely
      .selectFrom("accounts")
      .selectAll()
      .where("uri", "=", uri)
      .executeTakeFirst();
  }

  async count(table: (typeof TABLES)[number]): Promise<number> {
    const row = await this.kith.db.kysely
      .selectFrom(table)
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

export function idOf(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { id?: unknown }).id === "string")
    return (value as { id: string }).id;
  return null;
}

/** A Create wrapping a bare object, as its author's server would deliver it. */
export function wrapInCreate(object: Json): Json {
  const actor =
    idOf(Array.isArray(object.attributedTo) ? object.attributedTo[0] : object.attributedTo) ??
    idOf(object.actor);
  const { "@context": context, ...rest } = object;
  return {
    "@context": context ?? "https://www.w3.org/ns/activitystreams",
    id: `${object.id}#create`,
    type: "Create",
    actor,
    to: rest.to,
    cc: rest.cc,
    object: rest,
  };
}
