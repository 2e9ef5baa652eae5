// Building blocks for the fixture cases (test/federation/fixture-cases-*.ts): what a case
// says, and scenes several cases need (a note served by a remote server, a Create of one, a
// raw HTTP actor response served and fetched, WebFinger over the fake fediverse).
import assert from "node:assert/strict";
import { resolveActor } from "../../src/federation/remote/actors.ts";
import { createWebFinger } from "../../src/federation/remote/webfinger.ts";
import type { FixtureHarness, Json, Outcome, Result } from "./fixture-harness.ts";

export interface FixtureCase {
  file: string;
  expect: Result;
  /** What the outcome's reason must say */
  reason?: RegExp;
  /** inbox (default for activities), wrap (a bare object in a Create), actor, fetch */
  mode?: "inbox" | "wrap" | "actor" | "fetch";
  /** Prefix rewrites making the fixture's "local" server Kith ("{kith}" is Kith's origin) */
  rewrites?: [string, string][];
  /** A local account follows the actor first (default true for inbox and wrap) */
  related?: boolean;
  setup?: (h: FixtureHarness, json: Json) => Promise<void>;
  /** For fixtures that are no JSON activity or object: how to run them */
  run?: (h: FixtureHarness, json: Json) => Promise<Outcome>;
  check?: (h: FixtureHarness, json: Json) => Promise<void>;
}

/** A public note by `author` served at `id` (and at `url`, for content negotiation). */
export async function serveNote(
  h: FixtureHarness,
  id: string,
  author: string,
  extra: Record<string, unknown> = {},
  url?: string,
) {
  const note = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id,
    type: "Note",
    attributedTo: author,
    content: "<p>served note</p>",
    published: "2020-01-01T00:00:00Z",
    to: ["https://www.w3.org/ns/activitystreams#Public"],
    cc: [`${author}/followers`],
    ...extra,
  };
  await h.serve(note);
  if (url) await h.serve(note, url);
}

export const webfinger = (h: FixtureHarness) =>
  createWebFinger({ devMode: true, userAgent: "test", fetch: h.fake.fetch });

export const resolves = (h: FixtureHarness, handle: string) =>
  h.attempt(() => webfinger(h)(handle), "handle resolved");

export const actorCase = (file: string, check?: FixtureCase["check"]): FixtureCase => ({
  file,
  mode: "actor",
  expect: "stored",
  ...(check ? { check } : {}),
});

export const wrapCase = (file: string, check?: FixtureCase["check"]): FixtureCase => ({
  file,
  mode: "wrap",
  expect: "stored",
  ...(check ? { check } : {}),
});

/** A Create of a public note by `author` (for scenes that need the status to exist). */
export function wrapNote(id: string, author: string): Json {
  return {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${id}#create`,
    type: "Create",
    actor: author,
    object: {
      id,
      type: "Note",
      attributedTo: author,
      content: "<p>to be changed</p>",
      published: "2020-01-01T00:00:00Z",
      to: ["https://www.w3.org/ns/activitystreams#Public"],
    },
  };
}

/** Serves a raw HTTP response (a .txt fixture) at the id in its body, and fetches the actor. */
export async function fetchRawActor(h: FixtureHarness, file: string): Promise<Outcome> {
  const raw = h.text(file);
  const id = JSON.parse(raw.slice(raw.search(/\r?\n\r?\n/)).trim()).id as string;
  h.fake.serveRaw(id, raw);
  return h.attempt(() => resolveActor(h.env, id), "actor stored");
}

/** A Flag made one report about local `username`, from the Flag's actor, with `statuses` attached. */
export async function reportedOnce(
  h: FixtureHarness,
  json: Json,
  username: string,
  statuses: number,
) {
  const reports = await h.kith.db.kysely
    .selectFrom("reports")
    .innerJoin("accounts as target", "target.id", "reports.target_account_id")
    .innerJoin("accounts as reporter", "reporter.id", "reports.account_id")
    .select(["target.username", "target.domain", "reporter.uri as reporter", "reports.uri"])
    .execute();
  assert.deepEqual(
    reports.map((r) => ({ ...r })),
    [{ username, domain: null, reporter: json.actor, uri: json.id }],
  );
  assert.equal(await h.count("report_statuses"), statuses);
}
