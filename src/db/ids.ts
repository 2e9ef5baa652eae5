// Kith's IDs: Mastodon-style "snowflakes" written as fixed-width decimal strings.
//
//   id = milliseconds since the Unix epoch * 65536 + a 16-bit sequence
//
// zero-padded to 18 digits. Equal width means that plain string order, numeric order and the
// (length, then lexical) order that Mastodon clients use all agree, and that newer IDs sort
// after older ones. The sequence starts at a random point each millisecond and counts up, so
// IDs from one process are strictly increasing and two processes rarely collide (the unique
// primary key catches the rare case). Objects that arrive from other servers get IDs from
// their own publication time, so timelines stay in time order.
const WIDTH = 18;
const MIN_MS = Date.UTC(2000, 0, 1);

let lastMs = 0;
let sequence = 0;

export function newId(at: Date | number = Date.now()): string {
  const requested = typeof at === "number" ? at : at.getTime();
  const now = Date.now();
  const ms = Math.min(
    Math.max(Number.isFinite(requested) ? requested : now, MIN_MS),
    now + 86_400_000,
  );
  if (ms === lastMs) {
    sequence = (sequence + 1) & 0xffff;
  } else {
    lastMs = ms;
    sequence = Math.floor(Math.random() * 0x8000);
  }
  return (BigInt(ms) * 65536n + BigInt(sequence)).toString().padStart(WIDTH, "0");
}

/** The smallest ID at or after a moment: for "since time T" queries over ID-ordered rows. */
export function idAtTime(at: Date | number): string {
  const ms = typeof at === "number" ? at : at.getTime();
  return (BigInt(Math.max(ms, 0)) * 65536n).toString().padStart(WIDTH, "0");
}

/** When an ID was made (to the millisecond), or null for a string that is no Kith ID. */
export function idTime(id: string): Date | null {
  if (!/^\d{1,19}$/.test(id)) return null;
  return new Date(Number(BigInt(id) / 65536n));
}

/** Is this a syntactically valid ID? Used to answer 404 rather than query with garbage. */
export function isId(value: string): boolean {
  return /^\d{1,19}$/.test(value);
}
