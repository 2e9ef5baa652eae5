// `kith ip-blocks list|add|remove`: the operator's side of IP blocks (the admin API is
// /api/v1/admin/ip_blocks). Changes are in the audit log as the operator.
import {
  createIpBlock,
  IP_BLOCK_SEVERITIES,
  listIpBlocks,
  removeIpBlock,
} from "../domain/moderation/ip-blocks.ts";
import { type Command, commandGroup, parse, UsageError } from "./args.ts";
import { withContext } from "./context.ts";

const list: Command = {
  summary: "List IP blocks in force.",
  usage:
    "kith ip-blocks list\n\nPrints one block a line, newest first: id, range, severity, expiry (never) and comment.",
  async run(argv) {
    parse(argv, {});
    const blocks = await withContext((ctx) => listIpBlocks(ctx, { limit: 10_000 }));
    for (const b of blocks)
      console.log([b.id, b.ip, b.severity, b.expiresAt ?? "never", b.comment].join("\t"));
    if (blocks.length === 0) console.error("No IP blocks.");
    return 0;
  },
};

const add: Command = {
  summary: "Block an IP address or range.",
  usage:
    "kith ip-blocks add RANGE --severity SEVERITY [--comment TEXT] [--expires-in HOURS]\n\n" +
    "RANGE is an address or CIDR range, IPv4 or IPv6 (203.0.113.0/24, 2001:db8::/32).\n" +
    "SEVERITY: sign_up_requires_approval (new accounts wait for approval), sign_up_block\n" +
    "(no sign-ups) or no_access (every request is refused, sign-in included).",
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        severity: { type: "string" },
        comment: { type: "string" },
        "expires-in": { type: "string" },
      },
      1,
    );
    if (!values.severity || !IP_BLOCK_SEVERITIES.includes(values.severity as never))
      throw new UsageError(`--severity must be one of ${IP_BLOCK_SEVERITIES.join(", ")}`);
    let expiresIn: number | null = null;
    if (values["expires-in"] !== undefined) {
      const hours = Number(values["expires-in"]);
      if (values["expires-in"].trim() === "" || !(hours > 0))
        throw new UsageError("--expires-in must be a number of hours above 0");
      expiresIn = Math.round(hours * 3600);
    }
    const block = await withContext((ctx) =>
      createIpBlock(ctx, null, {
        ip: positionals[0]!,
        severity: values.severity,
        comment: values.comment,
        expiresIn,
      }),
    );
    console.log(`Blocked ${block.ip} (${block.severity}, ${block.id}).`);
    return 0;
  },
};

const remove: Command = {
  summary: "Remove an IP block.",
  usage: "kith ip-blocks remove ID\n\nID is as `kith ip-blocks list` prints it.",
  async run(argv) {
    const { positionals } = parse(argv, {}, 1);
    await withContext((ctx) => removeIpBlock(ctx, null, positionals[0]!));
    console.log(`Removed IP block ${positionals[0]}.`);
    return 0;
  },
};

export const ipBlocksCommand = commandGroup("ip-blocks", "Block IP ranges.", {
  list,
  add,
  remove,
});
