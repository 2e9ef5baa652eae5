// `kith email-domains list|block|unblock`: the operator's side of e-mail domain blocks (the
// admin API is /api/v1/admin/email_domain_blocks). Changes are in the audit log as the operator.
import type { Context } from "../domain/context.ts";
import {
  createEmailDomainBlock,
  findEmailDomainBlock,
  listEmailDomainBlocks,
  removeEmailDomainBlock,
} from "../domain/moderation/email-domain-blocks.ts";
import { type Command, commandGroup, parse } from "./args.ts";
import { withContext } from "./context.ts";

const list: Command = {
  summary: "List blocked e-mail domains.",
  usage:
    "kith email-domains list\n\nPrints one block a line, newest first: id, domain, when it was made and the\n" +
    "sign-ups it refused in the last 7 days.",
  async run(argv) {
    parse(argv, {});
    const blocks = await withContext((ctx) => listEmailDomainBlocks(ctx, { limit: 10_000 }));
    for (const b of blocks) {
      const refused = b.history.reduce((n, h) => n + h.uses, 0);
      console.log([b.id, b.domain, b.createdAt, `${refused} refused`].join("\t"));
    }
    if (blocks.length === 0) console.error("No e-mail domains are blocked.");
    return 0;
  },
};

const block: Command = {
  summary: "Refuse sign-ups with addresses at a domain (and its subdomains).",
  usage:
    "kith email-domains block DOMAIN\n\nSign-ups with an address at DOMAIN or any subdomain of it are refused.\n" +
    "MX records are not looked at: block the mail provider's own domains too.",
  async run(argv) {
    const { positionals } = parse(argv, {}, 1);
    const created = await withContext((ctx: Context) =>
      createEmailDomainBlock(ctx, null, positionals[0]!),
    );
    console.log(`Blocked ${created.domain} (${created.id}).`);
    return 0;
  },
};

const unblock: Command = {
  summary: "Allow sign-ups from a blocked domain again.",
  usage: "kith email-domains unblock DOMAIN",
  async run(argv) {
    const { positionals } = parse(argv, {}, 1);
    await withContext(async (ctx) => {
      const id = await findEmailDomainBlock(ctx, positionals[0]!);
      await removeEmailDomainBlock(ctx, null, id);
    });
    console.log(`Unblocked ${positionals[0]!.trim().toLowerCase()}.`);
    return 0;
  },
};

export const emailDomainsCommand = commandGroup(
  "email-domains",
  "Block e-mail domains from signing up.",
  { list, block, unblock },
);
