// `kith federation …`: the operator's view of remote hosts that Kith has stopped delivering to
// (federation/outbox/availability.ts), and the way to let one back in.
import {
  clearDeliveryFailures,
  FAILURE_DAYS_THRESHOLD,
  listDeliveryFailures,
} from "../federation/outbox/availability.ts";
import { type Command, commandGroup, parse } from "./args.ts";
import { withContext, withOperatorAction } from "./context.ts";

const unavailable: Command = {
  summary: "List the hosts deliveries are skipped for (--all: also those failing).",
  usage: `kith federation unavailable [--all]

Prints one host a line: host, failure days, unavailable since (or "failing"), last failure
and its error. A host is unavailable once deliveries to it failed on ${FAILURE_DAYS_THRESHOLD} different days
without it answering in between; it is available again as soon as it sends a verified
activity, or with kith federation clear.`,
  async run(argv) {
    const { values } = parse(argv, { all: { type: "boolean" } });
    const rows = await withContext((ctx) =>
      listDeliveryFailures(ctx, { unavailableOnly: !values.all }),
    );
    for (const r of rows)
      console.log(
        [r.host, r.failureDays, r.unavailableSince ?? "failing", r.lastFailedAt, r.lastError ?? ""]
          .join("\t")
          .replace(/\n/g, " "),
      );
    if (rows.length === 0)
      console.error(values.all ? "No failing hosts." : "No unavailable hosts.");
    return 0;
  },
};

const clear: Command = {
  summary: "Forget a host's failures: deliveries to it resume.",
  usage: "kith federation clear HOST\n\nHOST as kith federation unavailable prints it.",
  async run(argv) {
    const { positionals } = parse(argv, {}, 1);
    const host = positionals[0]!;
    const cleared = await withOperatorAction(
      (ctx) => clearDeliveryFailures(ctx, host),
      (done) =>
        done
          ? {
              action: "domain.clear_unavailable",
              targetType: "domain",
              targetId: host.toLowerCase(),
              targetLabel: host.toLowerCase(),
            }
          : null,
    );
    if (!cleared) {
      console.error(`No failures recorded for ${host}.`);
      return 1;
    }
    console.log(`Cleared ${host}: deliveries to it resume.`);
    return 0;
  },
};

const commands: Record<string, Command> = { unavailable, clear };

export const federationCommand: Command = commandGroup(
  "federation",
  "See and clear remote hosts that deliveries skip.",
  commands,
);
