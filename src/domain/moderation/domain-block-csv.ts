// Domain blocks as Mastodon exports and imports them (Admin::ExportDomainBlocksController):
// CSV with the header `#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate`
// (Kith may add `#private_comment`, which Mastodon ignores; other unknown columns are ignored;
// a file without the header is a list of domains, suspended). An import is checked whole before
// anything changes: one bad row is reported with its line number and nothing is applied; then
// every row is applied in one transaction.
import type { DomainBlockSeverity } from "../../db/schema.ts";
import { type Context, inTransaction } from "../context.ts";
import { DomainError } from "../errors.ts";
import { recordAudit } from "./audit.ts";
import {
  allDomainBlocks,
  blockableDomain,
  changePolicy,
  coveringBlock,
  createDomainBlock,
  type DomainBlockRow,
  type PolicyActor,
  SEVERITIES,
} from "./domain-blocks.ts";

const COLUMNS = [
  "#domain",
  "#severity",
  "#reject_media",
  "#reject_reports",
  "#public_comment",
  "#obfuscate",
];
const PRIVATE = "#private_comment";
const MAX_ROWS = 100_000;

/** One block as a list publishes it. */
export interface ListedBlock {
  domain: string;
  severity: DomainBlockSeverity;
  rejectMedia: boolean;
  rejectReports: boolean;
  publicComment: string | null;
  obfuscate: boolean;
  /** only when the list has the column */
  privateComment?: string | null;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function blocksToCsv(blocks: DomainBlockRow[], options: { privateComments?: boolean } = {}) {
  const header = options.privateComments ? [...COLUMNS, PRIVATE] : COLUMNS;
  const lines = [header.join(",")];
  for (const b of blocks) {
    const row = [
      b.domain,
      b.severity,
      String(b.reject_media === 1),
      String(b.reject_reports === 1),
      b.public_comment ?? "",
      String(b.obfuscate === 1),
    ];
    if (options.privateComments) row.push(b.private_comment ?? "");
    lines.push(row.map(csvField).join(","));
  }
  return `${lines.join("\n")}\n`;
}

export async function exportDomainBlocks(
  ctx: Context,
  options: { privateComments?: boolean } = {},
): Promise<string> {
  return blocksToCsv(await allDomainBlocks(ctx), options);
}

/** RFC 4180 records, each with the line it starts on; quoted fields may span lines. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  const input = text.replace(/^\uFEFF/, "");
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0]!.trim() === "")) records.push({ line: start, fields });
    fields = [];
    field = "";
  };
  while (i < input.length) {
    const c = input[i]!;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && input[i + 1] === "\n") i++;
      endRecord();
      line++;
      start = line;
    } else field += c;
    i++;
  }
  if (quoted) throw new DomainError("validation", `line ${start}: a quoted field is not closed`);
  if (field !== "" || fields.length > 0) endRecord();
  return records;
}

const BOOLEAN: Record<string, boolean> = {
  true: true,
  false: false,
  "1": true,
  "0": false,
  "": false,
};

/** Parses and checks a whole list; every problem is reported with its line, at most 20. */
export function parseDomainBlockCsv(ctx: Context, text: string): ListedBlock[] {
  const records = parseCsv(text);
  // Without a `#domain` header, a file is a plain list of domains (Mastodon reads it so too).
  const headed = records[0]?.fields[0]?.trim().toLowerCase() === "#domain";
  const names = headed ? records[0]!.fields.map((f) => f.trim().toLowerCase()) : ["#domain"];
  const rows = headed ? records.slice(1) : records;
  if (rows.length > MAX_ROWS)
    throw new DomainError("validation", `the list has more than ${MAX_ROWS} rows`);
  const at = (name: string) => names.indexOf(name);
  const problems: string[] = [];
  const seen = new Map<string, number>();
  const blocks: ListedBlock[] = [];
  for (const { line, fields } of rows) {
    const get = (name: string) => (at(name) >= 0 ? (fields[at(name)] ?? "") : undefined);
    const bool = (name: string) => {
      const raw = (get(name) ?? "").trim().toLowerCase();
      if (!(raw in BOOLEAN)) problems.push(`line ${line}: ${name} must be true or false`);
      return BOOLEAN[raw] ?? false;
    };
    if (fields.length > names.length) {
      problems.push(`line ${line}: ${fields.length} fields, the header has ${names.length}`);
      continue;
    }
    let domain = "";
    try {
      domain = blockableDomain(ctx, get("#domain") ?? "");
    } catch (error) {
      problems.push(
        `line ${line}: ${(error as Error).message.replace(/^Validation failed: /, "")}`,
      );
    }
    const severity = ((get("#severity") ?? "").trim().toLowerCase() ||
      "suspend") as DomainBlockSeverity;
    if (!SEVERITIES.includes(severity))
      problems.push(`line ${line}: #severity must be noop, silence or suspend`);
    const block: ListedBlock = {
      domain,
      severity,
      rejectMedia: bool("#reject_media"),
      rejectReports: bool("#reject_reports"),
      publicComment: (get("#public_comment") ?? "").trim() || null,
      obfuscate: bool("#obfuscate"),
    };
    const privateComment = get(PRIVATE);
    if (privateComment !== undefined) block.privateComment = privateComment.trim() || null;
    if (domain && seen.has(domain))
      problems.push(`line ${line}: ${domain} is listed already on line ${seen.get(domain)}`);
    if (domain) seen.set(domain, line);
    blocks.push(block);
    if (problems.length >= 20) break;
  }
  if (problems.length > 0)
    throw new DomainError("validation", problems.join("; "), { lines: problems });
  return blocks;
}

/** Does the block already say what the list says? */
export function sameAsListed(row: DomainBlockRow, b: ListedBlock): boolean {
  return (
    row.severity === b.severity &&
    row.reject_media === (b.rejectMedia ? 1 : 0) &&
    row.reject_reports === (b.rejectReports ? 1 : 0) &&
    row.obfuscate === (b.obfuscate ? 1 : 0) &&
    (row.public_comment ?? null) === b.publicComment &&
    (b.privateComment === undefined || (row.private_comment ?? null) === b.privateComment)
  );
}

export const listedInput = (b: ListedBlock) => ({
  severity: b.severity,
  rejectMedia: b.rejectMedia,
  rejectReports: b.rejectReports,
  publicComment: b.publicComment,
  obfuscate: b.obfuscate,
  ...(b.privateComment !== undefined ? { privateComment: b.privateComment } : {}),
});

export interface ImportSummary {
  created: number;
  /** already covered by a block (on the domain or a parent domain), left as they are */
  skipped: number;
}

/** Imports a whole list in one transaction. As in Mastodon, domains already covered by a block
 * are skipped, and without a #private_comment column the private comment says when. */
export async function importDomainBlocks(
  ctx: Context,
  actor: PolicyActor,
  text: string,
): Promise<ImportSummary> {
  const blocks = parseDomainBlockCsv(ctx, text);
  const via = { ...actor, via: actor.via ?? "import" };
  return changePolicy(ctx, (tctx) =>
    inTransaction(tctx, async (ttx) => {
      const summary: ImportSummary = { created: 0, skipped: 0 };
      const note = `Imported on ${new Date().toISOString().slice(0, 10)}`;
      for (const b of blocks) {
        if (await coveringBlock(ttx, b.domain)) {
          summary.skipped++;
          continue;
        }
        await createDomainBlock(ttx, via, b.domain, {
          ...listedInput(b),
          privateComment: b.privateComment === undefined ? note : b.privateComment,
        });
        summary.created++;
      }
      await recordAudit(ttx, {
        accountId: actor.accountId,
        action: "domain_block.import",
        targetType: "domain_block",
        targetId: "import",
        targetLabel: `${blocks.length} domains`,
        detail: { ...summary },
      });
      return summary;
    }),
  );
}
