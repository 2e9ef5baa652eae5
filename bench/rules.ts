// The cost of checking one post against 50 instance rules (target: under 1 ms), as compose.ts
// does it: the policy is compiled once, then each post runs through every rule.
// Usage: node bench/rules.ts [--posts N]
import { parseArgs } from "node:util";
import { tryText } from "../src/domain/rules/dry-run.ts";
import { compilePolicyText } from "../src/domain/rules/load.ts";

const { values } = parseArgs({ options: { posts: { type: "string", default: "2000" } } });
const posts = Number(values.posts);

// 50 rules of every kind, each with its own Unicode settings half of the time.
const kinds = [
  { forbiddenChars: "qzj" },
  {
    allowedChars: {
      chars: "",
      classes: ["letters", "whitespace", "punctuation", "digits", "symbols", "emoji"],
    },
  },
  { words: ["casino", "crypto", "giveaway", "free money", "click here", "limited offer"] },
  { pattern: "(buy|sell) (now|today)[.!]+" },
  { requiredChars: "aeiou", maxLength: 400 },
  { maxLinks: 3 },
  { maxMentions: 5, accountAgeUnderHours: 24 },
];
const rules = Array.from({ length: 50 }, (_, i) => ({
  id: `rule-${i}`,
  unicode:
    i % 2 === 0
      ? { form: "NFKD", caseFold: true, stripMarks: true, stripInvisible: true, confusables: true }
      : { form: "NFC", caseFold: i % 4 === 1 },
  when: kinds[i % kinds.length],
  action: i % 3 === 0 ? "mark_sensitive" : "reject",
  message: `Rule ${i}`,
}));
const policy = compilePolicyText(JSON.stringify({ version: 1, local: rules }), "bench");

// A 480-character post with mixed scripts, marks and a link, none of which any rule refuses.
const text = (i: number) =>
  `Post ${i}: a long walk by the harbour with friends, café au lait and cinnamon buns; Ünïcödé ` +
  "marks, Кириллица, 日本語, 🐬 and friendly words about the weather. ".repeat(5) +
  "The end of a calm afternoon: https://example.org/path";

for (let i = 0; i < 200; i++) tryText(policy, { text: text(i) }); // warm up the JIT
const cpuBefore = process.cpuUsage();
const started = performance.now();
let refused = 0;
for (let i = 0; i < posts; i++) if (tryText(policy, { text: text(i) }).refusal) refused++;
const firstRefusal = tryText(policy, { text: text(0) }).refusal;
const elapsed = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
console.log(`${posts} posts of ${text(0).length} characters against ${rules.length} rules`);
console.log(
  `  wall ${(elapsed / posts).toFixed(3)} ms/post, CPU ${((cpu.user + cpu.system) / 1000 / posts).toFixed(3)} ms/post`,
);
// Every rule runs whatever the outcome; a post that passes is the realistic case.
console.log(`  refused ${refused}${firstRefusal ? ` (by ${firstRefusal.rule.id})` : ""}`);
