// Stream bus messages stay under PostgreSQL's NOTIFY limit: a long list of home feeds is cut
// into several messages that together name every account once, and only the first offers the
// status to the public, hashtag and list streams.
import assert from "node:assert/strict";
import { it } from "node:test";
import {
  decodeMessage,
  encodeMessages,
  MAX_PAYLOAD_BYTES,
  type StreamMessage,
} from "../../../src/domain/streaming/messages.ts";

it("cuts a large fan-out into payloads under the NOTIFY limit", () => {
  const homes = Array.from({ length: 2000 }, (_, i) => String(117683131206425880n + BigInt(i)));
  const message: StreamMessage = {
    kind: "status",
    statusId: "117683131312463429",
    event: "update",
    homes,
    timelines: true,
  };
  const payloads = encodeMessages(message);
  assert.ok(payloads.length > 1);
  for (const p of payloads) assert.ok(Buffer.byteLength(p) <= MAX_PAYLOAD_BYTES, String(p.length));
  const decoded = payloads.map((p) => decodeMessage(p)) as Extract<
    StreamMessage,
    { kind: "status" }
  >[];
  assert.deepEqual(
    decoded.flatMap((m) => m.homes ?? []),
    homes,
  );
  assert.equal(decoded[0]!.timelines, true);
  assert.ok(decoded.slice(1).every((m) => m.timelines === undefined));
});

it("keeps a small message whole and ignores what is not a message", () => {
  const message: StreamMessage = { kind: "notification", notificationId: "1", accountId: "2" };
  assert.deepEqual(encodeMessages(message), [JSON.stringify(message)]);
  assert.equal(decodeMessage("*"), null);
  assert.equal(decodeMessage("{}"), null);
});
