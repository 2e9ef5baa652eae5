// `kith domains …`: the instance's federation policy at the command line — block, unblock,
// allow and disallow servers, list them, import and export blocklists in Mastodon's CSV
// format, and subscribe to published blocklists. Every change is audited as the operator's.
import { readFile, writeFile } from "node:fs/promises";
import type { Context } from "../domain/context.ts";
import { notFound } from "../domain/errors.ts";
import {
  allDomainAllows,
  createDomainAllow,
  deleteDomainAllow,
  findDomainAllow,
} from "../domain/moderation/domain-allows.ts";
import { exportDomainBlocks, importDomainBlocks } from "../domain/moderation/domain-block-csv.ts";
import {
  addSubscription,
  approvePendingChange,
  listPendingChanges,
  listSubscriptions,
  refreshAllSubscriptions,
  refreshSubscription,
  rejectPendingChange,
  removeSubscription,
} from "../domain/moderation/domain-block-subscriptions.ts";
import {
  allDomainBlocks,
  blockableDomain,
  createDomainBlock,
  type DomainBlockInput,
  deleteDomainBlock,
  findDomainBlock,
  SEVERITIES,
  updateDomainBlock,
} from "../domain/moderation/domain-blocks.ts";
import { type Command, commandGroup, parse, UsageError } from "./args.ts";
import { withContext } from "./context.ts";

const OPERATOR = { accountId: null };

const block: Command = {
  summary: "Block a server (or change its block).",
  usage:
    "kith domains block DOMAIN [--severity noop|silence|suspend] [--reject-media]\n" +
    "  [--reject-reports] [--obfuscate] [--public-comment TEXT] [--private-comment TEXT]\n\n" +
    "The block covers the domain's subdomains. --severity defaults to silence for a new\n" +
    "block. suspend: nothing passes between the server and this one, follows with it end.\n" +
    "silence: its accounts are seen only by their followers. Run again to change a block.",
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        severity: { type: "string" },
        "reject-media": { type: "boolean" },
        "reject-reports": { type: "boolean" },
        obfuscate: { type: "boolean" },
        "public-comment": { type: "string" },
        "private-comment": { type: "string" },
      },
      1,
    );
    const severity = values.severity as DomainBlockInput["severity"];
    if (severity !== undefined && !SEVERITIES.includes(severity))
      throw new UsageError("--severity must be noop, silence or suspend");
    const input: DomainBlockInput = {
      severity,
      rejectMedia: values["reject-media"],
      rejectReports: values["reject-reports"],
      obfuscate: values.obfuscate,
      publicComment: values["public-comment"],
      privateComment: values["private-comment"],
    };
    const row = await withContext(async (ctx) => {
      const existing = await findDomainBlock(ctx, blockableDomain(ctx, positionals[0]!));
      return existing
        ? updateDomainBlock(ctx, OPERATOR, existing.id, input)
        : createDomainBlock(ctx, OPERATOR, positionals[0]!, input);
    });
    console.log(`Blocked ${row.domain} (${describe(row)}).`);
    return 0;
  },
};

const describe = (b: {
  severity: string;
  reject_media: number;
  reject_reports: number;
  obfuscate: number;
}) =>
  [
    b.severity,
    ...(b.reject_media ? ["reject media"] : []),
    ...(b.reject_reports ? ["reject reports"] : []),
    ...(b.obfuscate ? ["obfuscated"] : []),
  ].join(", ");

const unblock: Command = {
  summary: "Lift a server's block.",
  usage: "kith domains unblock DOMAIN\n\nAccounts the block suspended or silenced are restored.",
  async run(argv) {
    const { positionals } = parse(argv, {}, 1);
    const row = await withContext(async (ctx) => {
      const existing = await findDomainBlock(ctx, blockableDomain(ctx, positionals[0]!));
      if (!existing) throw notFound();
      return deleteDomainBlock(ctx, OPERATOR, existing.id);
    });
    console.log(`Unblocked ${row.domain}.`);
    return 0;
  },
};

const allow: Command = {
  summary: "Allow a server in allowlist mode (KITH_LIMITED_FEDERATION).",
  usage: "kith domains allow DOMAIN\n\nThe allow covers the domain's subdomains.",
  async run(argv) {
    const { positionals } = parse(argv, {}, 1);
    const row = await withContext((ctx) => createDomainAllow(ctx, OPERATOR, positionals[0]!));
    console.log(`Allowed ${row.domain}.`);
    return 0;
  },
};

const disallow: Command = {
  summary: "Take a server off the allow list.",
  usage: "kith domains disallow DOMAIN",
  async run(argv) {
    const { positionals } = parse(argv, {}, 1);
    const row = await withContext(async (ctx) => {
      const existing = await findDomainAllow(ctx, blockableDomain(ctx, positionals[0]!));
      if (!existing) throw notFound();
      return deleteDomainAllow(ctx, OPERATOR, existing.id);
    });
    console.log(`Disallowed ${row.domain}.`);
    return 0;
  },
};

const list: Command = {
  summary: "List blocked servers (or, with --allows, allowed ones).",
  usage:
    "kith domains list [--allows] [--json]\n\nOne server a line: domain, severity and flags, public comment, private comment.",
  async run(argv) {
    const { values } = parse(argv, { allows: { type: "boolean" }, json: { type: "boolean" } });
    await withContext(async (ctx) => {
      if (values.allows) {
        const rows = await allDomainAllows(ctx);
        for (const a of rows) console.log(values.json ? JSON.stringify(a) : a.domain);
        if (rows.length === 0 && !values.json) console.error("No allowed servers.");
        return;
      }
      const rows = await allDomainBlocks(ctx);
      for (const b of rows)
        console.log(
          values.json
            ? JSON.stringify(b)
            : [b.domain, describe(b), b.public_comment ?? "", b.private_comment ?? ""]
                .join("\t")
                .trimEnd(),
        );
      if (rows.length === 0 && !values.json) console.error("No blocked servers.");
      if (ctx.config.limitedFederation && !values.json)
        console.error("Allowlist mode is on: only allowed servers federate (see --allows).");
    });
    return 0;
  },
};

const importBlocks: Command = {
  summary: "Import blocks from a CSV file (Mastodon's format), all or nothing.",
  usage:
    "kith domains import FILE\n\nFILE (or - for standard input) has Mastodon's header\n" +
    "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate (and\n" +
    "optionally #private_comment), or is a plain list of domains (suspended). The whole file\n" +
    "is checked first: a bad row is reported with its line number and nothing changes.\n" +
    "Domains already covered by a block are skipped.",
  async run(argv) {
    const { positionals } = parse(argv, {}, 1);
    const file = positionals[0]!;
    const text = file === "-" ? await readStdin() : await readFile(file, "utf8");
    const summary = await withContext((ctx) =>
      importDomainBlocks(ctx, { accountId: null, via: `import ${file}` }, text),
    );
    console.log(`Imported ${summary.created} blocks; ${summary.skipped} already covered.`);
    return 0;
  },
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const exportBlocks: Command = {
  summary: "Export every block as CSV (Mastodon's format).",
  usage:
    "kith domains export [--output FILE] [--private-comments]\n\nWrites to standard output unless --output is given. --private-comments adds a\n" +
    "#private_comment column (Mastodon ignores it; leave it out of lists you publish).",
  async run(argv) {
    const { values } = parse(argv, {
      output: { type: "string" },
      "private-comments": { type: "boolean" },
    });
    const csv = await withContext((ctx) =>
      exportDomainBlocks(ctx, { privateComments: values["private-comments"] ?? false }),
    );
    if (values.output) await writeFile(values.output, csv);
    else process.stdout.write(csv);
    return 0;
  },
};

const subscriptionsCommand = commandGroup(
  "domains subscriptions",
  "Follow published blocklists (CSV at a URL).",
  {
    add: {
      summary: "Subscribe to a blocklist URL.",
      usage:
        "kith domains subscriptions add URL [--mode review|auto]\n\nreview (the default): changes wait for `approve`; auto: they apply at once.\n" +
        "The worker refreshes every subscription hourly; `refresh` does it now.",
      async run(argv) {
        const { values, positionals } = parse(argv, { mode: { type: "string" } }, 1);
        const mode = values.mode ?? "review";
        if (mode !== "review" && mode !== "auto")
          throw new UsageError("--mode must be review or auto");
        const row = await withContext((ctx) =>
          addSubscription(ctx, OPERATOR, positionals[0]!, mode),
        );
        console.log(`Subscribed to ${row.url} (${row.mode}), id ${row.id}.`);
        return 0;
      },
    },
    list: {
      summary: "List subscriptions.",
      usage: "kith domains subscriptions list\n\nid, mode, URL, last fetched, last error.",
      async run(argv) {
        parse(argv, {});
        const rows = await withContext((ctx) => listSubscriptions(ctx));
        for (const s of rows)
          console.log(
            [s.id, s.mode, s.url, s.last_fetched_at ?? "never", s.last_error ?? ""]
              .join("\t")
              .trimEnd(),
          );
        if (rows.length === 0) console.error("No subscriptions.");
        return 0;
      },
    },
    remove: {
      summary: "Unsubscribe (the blocks it made stay, as if made by hand).",
      usage: "kith domains subscriptions remove ID|URL",
      async run(argv) {
        const { positionals } = parse(argv, {}, 1);
        const row = await withContext((ctx) => removeSubscription(ctx, OPERATOR, positionals[0]!));
        console.log(`Unsubscribed from ${row.url}.`);
        return 0;
      },
    },
    refresh: {
      summary: "Fetch one subscription (or all) now.",
      usage: "kith domains subscriptions refresh [ID|URL]",
      async run(argv) {
        const { positionals } = parse(argv, {}, argv.length > 0 ? 1 : 0);
        return withContext((ctx) => refresh(ctx, positionals[0]));
      },
    },
    pending: {
      summary: "List changes waiting for review.",
      usage:
        "kith domains subscriptions pending\n\nid, change, domain, severity, subscription URL.",
      async run(argv) {
        parse(argv, {});
        const rows = await withContext((ctx) => listPendingChanges(ctx));
        for (const p of rows)
          console.log([p.id, p.action, p.domain, p.block.severity, p.url].join("\t"));
        if (rows.length === 0) console.error("No pending changes.");
        return 0;
      },
    },
    approve: {
      summary: "Apply a pending change.",
      usage: "kith domains subscriptions approve ID",
      async run(argv) {
        const { positionals } = parse(argv, {}, 1);
        const applied = await withContext((ctx) =>
          approvePendingChange(ctx, OPERATOR, positionals[0]!),
        );
        console.log(applied ? "Applied." : "The blocks changed since; nothing to apply (dropped).");
        return 0;
      },
    },
    reject: {
      summary: "Reject a pending change (it is not proposed again).",
      usage: "kith domains subscriptions reject ID",
      async run(argv) {
        const { positionals } = parse(argv, {}, 1);
        await withContext((ctx) => rejectPendingChange(ctx, OPERATOR, positionals[0]!));
        console.log("Rejected.");
        return 0;
      },
    },
  },
);

async function refresh(ctx: Context, which: string | undefined): Promise<number> {
  // Loaded only here: the safe fetch brings Fedify along.
  const { blocklistFetcher } = await import("../federation/blocklist-fetch.ts");
  const fetchList = blocklistFetcher(ctx);
  if (!which) {
    const failures = await refreshAllSubscriptions(ctx, fetchList);
    for (const f of failures) console.error(f);
    console.log("Refreshed.");
    return failures.length > 0 ? 1 : 0;
  }
  const result = await refreshSubscription(ctx, which, fetchList);
  if (result.notModified) console.log("Not modified since the last fetch.");
  for (const c of result.applied) console.log(`applied\t${c.action}\t${c.domain}`);
  for (const c of result.pending) console.log(`pending\t${c.action}\t${c.domain}`);
  return 0;
}

export const domainsCommand = commandGroup(
  "domains",
  "Manage the federation policy: blocked and allowed servers.",
  {
    block,
    unblock,
    allow,
    disallow,
    list,
    import: importBlocks,
    export: exportBlocks,
    subscriptions: subscriptionsCommand,
  },
);
