// The synthetic instance that bench/timeline.ts seeds, identical in shape on both databases:
//
// - `accounts` accounts, one in three local (no users row: they never sign in), the rest on 50
//   remote domains; they post uniformly at random, so each has about statuses/accounts statuses;
// - `statuses` root statuses (no replies, reblogs, media or mentions) spread evenly over the last
//   30 days, 90% public, 5% unlisted, 5% private, `local` as their author;
// - one reader (a real local user, created by the caller) following `follows` of those accounts,
//   with exactly the home_feed rows fan-out on write would have produced: every public,
//   unlisted and private status of the accounts it follows.
//
// A seeded PRNG makes the shape reproducible; IDs come from newId(created_at), as Kith's own.
import { newId } from "../../src/db/ids.ts";

export interface DatasetOptions {
  statuses: number;
  accounts: number;
  follows: number;
  /** The origin the server will run as: local accounts' and statuses' URIs live under it. */
  origin: string;
  seed?: number;
}

export interface AccountRow {
  id: string;
  username: string;
  domain: string | null;
  uri: string;
  url: string;
  inbox_url: string;
  followers_url: string;
  statuses_count: number;
  followers_count: number;
  last_status_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface StatusRow {
  id: string;
  uri: string;
  url: string;
  account_id: string;
  local: 0 | 1;
  thread_id: string;
  content: string;
  text: string;
  visibility: "public" | "unlisted" | "private";
  language: string;
  created_at: string;
  updated_at: string;
}

export interface StatusBatch {
  statuses: StatusRow[];
  /** IDs among `statuses` that belong in the reader's home feed. */
  feed: string[];
}

export interface Dataset {
  options: Required<DatasetOptions>;
  accounts: AccountRow[];
  /** The accounts the reader follows (a subset of `accounts`). */
  followed: AccountRow[];
  /** Yields the statuses oldest first; call once per database (the same rows each time). */
  batches(size: number): Generator<StatusBatch>;
}

const DAY_MS = 86_400_000;
const REMOTE_DOMAINS = 50;
const WORDS =
  "kith community garden bread river morning neighbours library bicycle market tea rain music workshop harbour festival quiet lantern orchard letters".split(
    " ",
  );

/** mulberry32: small, fast and good enough to shape test data reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function makeDataset(input: DatasetOptions): Dataset {
  const options = { seed: 20_251_001, ...input };
  const { statuses: n, accounts: a, follows: f, origin } = options;
  if (f > a) throw new Error(`--follows (${f}) cannot exceed --accounts (${a})`);
  const random = prng(options.seed);
  const now = Date.now();
  const start = now - 30 * DAY_MS;
  const at = (i: number) => start + Math.floor((i * 30 * DAY_MS) / n);

  // Who wrote each status, decided up front so that the account rows carry true counters.
  const authors = new Uint32Array(n);
  const counts = new Uint32Array(a);
  const lastIndex = new Int32Array(a).fill(-1);
  for (let i = 0; i < n; i++) {
    const author = Math.floor(random() * a);
    authors[i] = author;
    counts[author]! += 1;
    lastIndex[author] = i;
  }

  // Accounts were made before any status (60 to 30 days ago), in ID order.
  const accounts: AccountRow[] = [];
  for (let k = 0; k < a; k++) {
    const created = now - 60 * DAY_MS + k * 1000;
    const username = `bench${k}`;
    const domain = k % 3 === 0 ? null : `r${k % REMOTE_DOMAINS}.bench.example`;
    const base = domain ? `https://${domain}` : origin;
    const last = lastIndex[k]!;
    accounts.push({
      id: newId(created),
      username,
      domain,
      uri: `${base}/users/${username}`,
      url: `${base}/@${username}`,
      inbox_url: `${base}/users/${username}/inbox`,
      followers_url: `${base}/users/${username}/followers`,
      statuses_count: counts[k]!,
      followers_count: 0,
      last_status_at: last >= 0 ? new Date(at(last)).toISOString() : null,
      created_at: new Date(created).toISOString(),
      updated_at: new Date(created).toISOString(),
    });
  }

  // A partial Fisher–Yates shuffle picks the followed accounts without repeats.
  const order = Array.from({ length: a }, (_, k) => k);
  for (let k = 0; k < f; k++) {
    const j = k + Math.floor(random() * (a - k));
    [order[k], order[j]] = [order[j]!, order[k]!];
  }
  const followedIndex = new Uint8Array(a);
  const followed = order.slice(0, f).map((k) => {
    followedIndex[k] = 1;
    accounts[k]!.followers_count = 1;
    return accounts[k]!;
  });

  function* batches(size: number): Generator<StatusBatch> {
    const pick = prng(options.seed + 1);
    for (let from = 0; from < n; from += size) {
      const batch: StatusBatch = { statuses: [], feed: [] };
      for (let i = from; i < Math.min(n, from + size); i++) {
        const author = accounts[authors[i]!]!;
        const created = at(i);
        const id = newId(created);
        const roll = pick();
        const visibility = roll < 0.9 ? "public" : roll < 0.95 ? "unlisted" : "private";
        const words = Array.from({ length: 12 + Math.floor(pick() * 24) }, () => {
          return WORDS[Math.floor(pick() * WORDS.length)]!;
        }).join(" ");
        const text = `Status ${i} from ${author.username}: ${words}.`;
        const local = author.domain === null;
        const uri = `${author.uri}/statuses/${id}`;
        const time = new Date(created).toISOString();
        batch.statuses.push({
          id,
          uri,
          url: local ? `${author.url}/${id}` : uri,
          account_id: author.id,
          local: local ? 1 : 0,
          thread_id: id,
          content: `<p>${text}</p>`,
          text: local ? text : "",
          visibility,
          language: "en",
          created_at: time,
          updated_at: time,
        });
        // Fan-out on write gives a follower every public, unlisted and private status.
        if (followedIndex[authors[i]!] === 1) batch.feed.push(id);
      }
      yield batch;
    }
  }

  return { options, accounts, followed, batches };
}
