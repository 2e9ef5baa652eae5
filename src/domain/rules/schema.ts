// The shape of an instance policy file (docs/rules/README.md explains it; docs/rules/schema.json
// is generated from this by scripts/rules-schema.ts, and a test keeps the two equal).
// A rule fires when every condition it names holds; content conditions are checked on each
// field the rule names, and the rule fires when one field meets them all.
import { z } from "zod";

/** Fields of local content a rule can check. Poll options and media descriptions are checked
 * once Kith stores them (drafts pass them in `LocalDraft.fields`). */
export const LOCAL_FIELDS = [
  "text",
  "spoiler_text",
  "poll_options",
  "media_descriptions",
  "display_name",
  "profile_fields",
] as const;
export type LocalField = (typeof LOCAL_FIELDS)[number];

/** Fields of incoming content: the plain text of the HTML, and the content warning. */
export const INCOMING_FIELDS = ["text", "spoiler_text"] as const;

export const CHARACTER_CLASSES = [
  "whitespace",
  "punctuation",
  "digits",
  "letters",
  "symbols",
  "emoji",
] as const;

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be 1–64 of a-z, 0-9, _ and -, starting a-z or 0-9");
const count = z.number().int().min(0).max(100_000);

export const unicodeSchema = z
  .object({
    form: z
      .enum(["none", "NFC", "NFKC", "NFKD"])
      .default("NFC")
      .describe("Unicode normalisation applied first"),
    caseFold: z.boolean().default(false).describe("compare without case"),
    stripMarks: z.boolean().default(false).describe("drop combining marks (é counts as e)"),
    stripInvisible: z.boolean().default(false).describe("drop zero-width and format characters"),
    confusables: z.boolean().default(false).describe("map Latin look-alikes (Cyrillic е) to Latin"),
  })
  .strict();
export type UnicodeOptions = z.infer<typeof unicodeSchema>;

const contentConditions = {
  forbiddenChars: z.string().min(1).optional().describe("fires when any of these appears"),
  requiredChars: z.string().min(1).optional().describe("fires when none of these appears"),
  allowedChars: z
    .object({
      chars: z.string().default(""),
      classes: z.array(z.enum(CHARACTER_CLASSES)).default([]),
    })
    .strict()
    .optional()
    .describe("fires when a character is neither listed nor in a listed class"),
  pattern: z.string().min(1).max(1000).optional().describe("fires when it matches (see README)"),
  patternFlags: z
    .string()
    .regex(/^[ms]*$/, "may only use the flags m and s (for case, set unicode.caseFold)")
    .optional(),
  words: z.array(z.string().min(1).max(200)).min(1).max(5000).optional(),
  minLength: count.optional().describe("fires when shorter (in characters)"),
  maxLength: count.optional().describe("fires when longer (in characters)"),
};

const scopeConditions = {
  languages: z.array(z.string().min(2).max(16)).min(1).optional(),
  notLanguages: z.array(z.string().min(2).max(16)).min(1).optional(),
  maxLinks: count.optional(),
  maxMentions: count.optional(),
  accountAgeUnderHours: z.number().min(0).max(1_000_000).optional(),
};

export const localConditionsSchema = z
  .object({
    ...contentConditions,
    ...scopeConditions,
    roles: z
      .array(z.enum(["user", "moderator", "admin"]))
      .min(1)
      .optional(),
    hasMedia: z.boolean().optional(),
  })
  .strict();

export const incomingConditionsSchema = z
  .object({ ...contentConditions, ...scopeConditions })
  .strict();

const common = {
  id,
  description: z.string().max(2000).optional().describe("for admins; not shown"),
  public: z.boolean().default(false).describe("listed with the instance's rules"),
  summary: z.string().min(1).max(300).optional().describe("the rule as members read it"),
  enforces: z
    .string()
    .min(1)
    .optional()
    .describe("the id or exact text of the server rule this enforces"),
  unicode: unicodeSchema.default({
    form: "NFC",
    caseFold: false,
    stripMarks: false,
    stripInvisible: false,
    confusables: false,
  }),
};

export const localRuleSchema = z
  .object({
    ...common,
    fields: z.array(z.enum(LOCAL_FIELDS)).min(1).default(["text", "spoiler_text"]),
    when: localConditionsSchema,
    action: z.enum(["reject", "require_content_warning", "mark_sensitive", "unlisted", "private"]),
    message: z.string().min(1).max(500),
  })
  .strict();

export const incomingRuleSchema = z
  .object({
    ...common,
    domains: z
      .array(z.string().min(1).max(253))
      .min(1)
      .optional()
      .describe("servers it applies to (and their subdomains); all when absent"),
    fields: z.array(z.enum(INCOMING_FIELDS)).min(1).default(["text", "spoiler_text"]),
    when: incomingConditionsSchema.default({}),
    action: z.enum(["reject", "unlisted", "mark_sensitive", "drop_local_mentions"]),
    message: z.string().min(1).max(500).optional(),
  })
  .strict();

export const policySchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1),
    name: z.string().max(200).optional(),
    local: z.array(localRuleSchema).max(1000).default([]),
    incoming: z.array(incomingRuleSchema).max(1000).default([]),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;
export type LocalRule = z.infer<typeof localRuleSchema>;
export type IncomingRule = z.infer<typeof incomingRuleSchema>;
export type LocalAction = LocalRule["action"];
export type IncomingAction = IncomingRule["action"];
