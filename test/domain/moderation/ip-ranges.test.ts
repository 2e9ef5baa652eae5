// Parsing and matching IP ranges (no database): CIDR for IPv4 and IPv6, masked to the network,
// canonical text, IPv4-mapped IPv6 treated as IPv4, and anything else refused.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  formatIpRange,
  parseIpRange,
  rangeContains,
} from "../../../src/domain/moderation/ip-ranges.ts";

const text = (input: string) => {
  const range = parseIpRange(input);
  return range ? formatIpRange(range) : null;
};

describe("IP ranges", () => {
  it("parses addresses and CIDR ranges, masked and canonical", () => {
    assert.equal(text("192.0.2.7"), "192.0.2.7/32");
    assert.equal(text(" 198.51.100.9/24 "), "198.51.100.0/24");
    assert.equal(text("0.0.0.0/0"), "0.0.0.0/0");
    assert.equal(text("2001:DB8:0:0:0:0:0:1"), "2001:db8::1/128");
    assert.equal(text("2001:db8:ffff:1::1/32"), "2001:db8::/32");
    assert.equal(text("::/0"), "::/0");
    assert.equal(text("::ffff:10.1.2.3"), "10.1.2.3/32");
    assert.equal(text("::ffff:10.1.2.3/120"), "10.1.2.0/24");
  });

  it("refuses what is not an address or range", () => {
    for (const bad of [
      "",
      "abc",
      "1.2.3",
      "256.1.1.1",
      "1.2.3.4/33",
      "2001:db8::/129",
      "1.2.3.4/ 8",
      "1.2.3.4/-1",
      "10.0.0.0/8/1",
      "fe80::1%eth0",
      "example.com/24",
    ])
      assert.equal(parseIpRange(bad), null, bad);
  });

  it("matches addresses inside the range only, across notations", () => {
    const v4 = parseIpRange("10.0.0.0/8")!;
    assert.equal(rangeContains(v4, "10.255.0.1"), true);
    assert.equal(rangeContains(v4, "::ffff:10.9.9.9"), true);
    assert.equal(rangeContains(v4, "11.0.0.1"), false);
    assert.equal(rangeContains(v4, "::a00:1"), false, "IPv6 is another family");
    const v6 = parseIpRange("2001:db8::/32")!;
    assert.equal(rangeContains(v6, "2001:db8:ffff::1"), true);
    assert.equal(rangeContains(v6, "2001:0DB8:0000::0001"), true);
    assert.equal(rangeContains(v6, "2001:db9::1"), false);
    assert.equal(rangeContains(v6, "10.0.0.1"), false);
    assert.equal(rangeContains(v6, "unknown"), false);
    const one = parseIpRange("192.0.2.7")!;
    assert.equal(rangeContains(one, "192.0.2.7"), true);
    assert.equal(rangeContains(one, "192.0.2.8"), false);
    assert.equal(rangeContains(parseIpRange("::/0")!, "2001:db8::1"), true);
    assert.equal(rangeContains(parseIpRange("0.0.0.0/0")!, "203.0.113.1"), true);
  });
});
