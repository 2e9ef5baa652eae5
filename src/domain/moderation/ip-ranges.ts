// IP ranges in CIDR notation, IPv4 and IPv6: parsing one as an admin types it ("192.0.2.7",
// "198.51.100.0/24", "2001:db8::/32"), masking it to its network address as Mastodon's inet
// column does, and asking whether a client's address lies inside. An IPv4 address written as
// IPv6 (::ffff:192.0.2.7, as a dual-stack socket reports it) counts as the IPv4 address.
import { isIPv4, isIPv6 } from "node:net";

export interface IpRange {
  family: 4 | 6;
  /** the network address, canonical (IPv6 compressed, lower case) */
  address: string;
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;
const MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

function v4ToBig(address: string): bigint {
  return address.split(".").reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
}

function v6ToBig(address: string): bigint {
  // The URL parser writes any valid IPv6 address as hex groups, with at most one "::".
  const canonical = new URL(`http://[${address}]`).hostname.slice(1, -1);
  const [head, tail] = canonical.includes("::") ? canonical.split("::") : [canonical, undefined];
  const groups = (s: string | undefined) => (s ? s.split(":") : []);
  const missing = 8 - groups(head).length - groups(tail).length;
  const all =
    tail === undefined
      ? groups(head)
      : [...groups(head), ...Array<string>(missing).fill("0"), ...groups(tail)];
  return all.reduce((n, g) => (n << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}

function bigToText(family: 4 | 6, value: bigint): string {
  if (family === 4)
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join(".");
  const groups = Array.from({ length: 8 }, (_, i) =>
    ((value >> BigInt((7 - i) * 16)) & 0xffffn).toString(16),
  );
  return new URL(`http://[${groups.join(":")}]`).hostname.slice(1, -1);
}

/** One address as family and number; IPv4-mapped IPv6 becomes IPv4. Null if not an address. */
function addressValue(text: string): { family: 4 | 6; value: bigint } | null {
  const mapped = MAPPED.exec(text);
  if (mapped && isIPv4(mapped[1]!)) return { family: 4, value: v4ToBig(mapped[1]!) };
  if (isIPv4(text)) return { family: 4, value: v4ToBig(text) };
  // Zone indexes (fe80::1%eth0) name an interface, not an address anyone could block.
  if (isIPv6(text) && !text.includes("%")) return { family: 6, value: v6ToBig(text) };
  return null;
}

const mask = (family: 4 | 6, prefix: number) => {
  const bits = BigInt(BITS[family]);
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n);
};

/** "ADDRESS" or "ADDRESS/PREFIX", masked to the network; null when it is neither. */
export function parseIpRange(text: string): IpRange | null {
  const [addressText, prefixText, ...rest] = text.trim().split("/");
  if (rest.length > 0 || !addressText) return null;
  const parsed = addressValue(addressText);
  if (!parsed) return null;
  const max = BITS[parsed.family];
  let prefix: number = max;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    // A /120 written on an IPv4-mapped address is the IPv4 /24.
    if (parsed.family === 4 && MAPPED.test(addressText)) prefix -= 96;
    if (prefix < 0 || prefix > max) return null;
  }
  const network = parsed.value & mask(parsed.family, prefix);
  return { family: parsed.family, address: bigToText(parsed.family, network), prefix };
}

export const formatIpRange = (range: { address: string; prefix: number }) =>
  `${range.address}/${range.prefix}`;

/** Whether `ip` (a client's address) lies in the range; false for anything not an address. */
export function rangeContains(range: IpRange, ip: string): boolean {
  const client = addressValue(ip);
  if (!client || client.family !== range.family) return false;
  const m = mask(range.family, range.prefix);
  const network = range.family === 4 ? v4ToBig(range.address) : v6ToBig(range.address);
  return (client.value & m) === network;
}
