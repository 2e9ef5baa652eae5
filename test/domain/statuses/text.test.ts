import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  countCharacters,
  extractHashtags,
  extractMentions,
  htmlToPlainText,
  type MentionedAccount,
  mentionKey,
  normalizeHashtag,
  type RenderOptions,
  renderPlainText,
  resolverFromMap,
  sanitizeRemoteHtml,
} from "../../../src/domain/statuses/text.ts";

const ORIGIN = "https://kith.example";
const accounts: MentionedAccount[] = [
  { id: "1", username: "alice", domain: null, url: "https://kith.example/@alice" },
  { id: "2", username: "bob", domain: "remote.example", url: "https://remote.example/@bob" },
  { id: "3", username: "alice", domain: "elsewhere.example", url: "https://elsewhere.example/a" },
];
const resolveMention = resolverFromMap(
  new Map(accounts.map((a) => [mentionKey(a.username, a.domain), a])),
);
const opts: RenderOptions = { origin: ORIGIN, localDomain: "kith.example", resolveMention };
const html = (text: string) => renderPlainText(text, opts).html;

const link = (href: string, prefix: string, display: string, suffix: string, cut: boolean) =>
  `<a href="${href}" target="_blank" rel="nofollow noopener" translate="no">` +
  `<span class="invisible">${prefix}</span><span class="${cut ? "ellipsis" : ""}">${display}</span>` +
  `<span class="invisible">${suffix}</span></a>`;
const hashtag = (name: string, path = encodeURIComponent(name)) =>
  `<a href="${ORIGIN}/tags/${path}" class="mention hashtag" rel="tag">#<span>${name}</span></a>`;
const mention = (href: string, shown: string) =>
  `<span class="h-card" translate="no"><a href="${href}" class="u-url mention">@<span>${shown}</span></a></span>`;

describe("renderPlainText: paragraphs and escaping", () => {
  it("renders a plain post exactly as <p>text</p> (masto.js asserts this)", () => {
    assert.deepEqual(renderPlainText("hello", opts), {
      html: "<p>hello</p>",
      mentions: [],
      tags: [],
      links: [],
    });
  });

  it("renders blank text as nothing", () => {
    assert.equal(html(""), "");
    assert.equal(html("  \n "), "");
  });

  it("splits paragraphs on blank lines and turns single newlines into <br />", () => {
    assert.equal(
      html("one\ntwo\n\nthree\n\n\n\nfour"),
      "<p>one<br />two</p><p>three</p><p>four</p>",
    );
    assert.equal(html("a\r\nb\r\n\r\nc"), "<p>a<br />b</p><p>c</p>");
    assert.equal(html("a\n\n"), "<p>a</p>");
  });

  it("escapes every HTML special character", () => {
    assert.equal(html(`it's "x" & <b>`), "<p>it&#39;s &quot;x&quot; &amp; &lt;b&gt;</p>");
  });

  it("cannot be made to emit markup", () => {
    for (const attack of [
      "<script>alert(1)</script>",
      `"><img src=x onerror=alert(1)>`,
      `'><svg onload=alert(1)>`,
      "javascript:alert(1)",
      "<a href=javascript:alert(1)>x</a>",
      "https://example.com/<script>alert(1)</script>",
      `https://example.com/"onmouseover="alert(1)`,
      "#<img src=x>",
      "@<b>alice</b>",
    ]) {
      const out = html(attack);
      assert.doesNotMatch(out, /<(script|img|svg|b)[\s>]/, attack);
      assert.doesNotMatch(out, /href="javascript/i, attack);
      assert.doesNotMatch(out, /"on\w+=/, attack);
    }
    assert.equal(
      html(`"><img src=x onerror=alert(1)>`),
      "<p>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</p>",
    );
  });

  it("leaves custom emoji shortcodes as text", () => {
    assert.equal(html("hi :blobcat: there"), "<p>hi :blobcat: there</p>");
  });
});

describe("renderPlainText: links", () => {
  it("shows a short link whole, with an empty ellipsis class", () => {
    const out = renderPlainText("see https://example.com/ now", opts);
    assert.equal(
      out.html,
      `<p>see ${link("https://example.com/", "https://", "example.com/", "", false)} now</p>`,
    );
    assert.deepEqual(out.links, ["https://example.com/"]);
  });

  it("hides the scheme and www., and cuts long links after 30 characters", () => {
    const url = "https://www.example.com/a/very/long/path/that/goes/on?x=1&y=2";
    assert.equal(
      html(url),
      `<p>${link(
        "https://www.example.com/a/very/long/path/that/goes/on?x=1&amp;y=2",
        "https://www.",
        "example.com/a/very/long/path/t",
        "hat/goes/on?x=1&amp;y=2",
        true,
      )}</p>`,
    );
  });

  it("does not cut off a single character (Mastodon shows it instead of an ellipsis)", () => {
    const rest31 = "example.com/abcdefghijklmnopqrs"; // 31 characters
    assert.equal(rest31.length, 31);
    assert.equal(
      html(`http://${rest31}`),
      `<p>${link(`http://${rest31}`, "http://", rest31, "", false)}</p>`,
    );
    const rest32 = `${rest31}t`;
    assert.equal(
      html(`http://${rest32}`),
      `<p>${link(`http://${rest32}`, "http://", rest32.slice(0, 30), rest32.slice(30), true)}</p>`,
    );
  });

  it("leaves trailing punctuation out of the link", () => {
    assert.equal(
      html("look: https://example.com/page."),
      `<p>look: ${link("https://example.com/page", "https://", "example.com/page", "", false)}.</p>`,
    );
  });

  it("links only http and https URLs with their scheme", () => {
    assert.equal(
      html("example.com and ftp://example.com"),
      "<p>example.com and ftp://example.com</p>",
    );
    assert.equal(html("foohttps://example.com"), "<p>foohttps://example.com</p>");
  });
});

describe("renderPlainText: mentions", () => {
  it("links resolved local and remote mentions as h-cards and returns their ids", () => {
    const out = renderPlainText("hi @bob@Remote.Example and @ALICE", {
      ...opts,
      resolveMention: resolverFromMap(
        new Map([accounts[0], accounts[1]].map((a) => [mentionKey(a!.username, a!.domain), a!])),
      ),
    });
    assert.equal(
      out.html,
      `<p>hi ${mention("https://remote.example/@bob", "bob")} and ${mention("https://kith.example/@alice", "alice")}</p>`,
    );
    assert.deepEqual(out.mentions, ["2", "1"]);
  });

  it("treats @user@localdomain as a local mention", () => {
    const out = renderPlainText("@alice@kith.example", opts);
    assert.equal(out.html, `<p>${mention("https://kith.example/@alice", "alice")}</p>`);
    assert.deepEqual(out.mentions, ["1"]);
  });

  it("shows the domain when two mentioned accounts share a username", () => {
    assert.equal(
      html("@alice @alice@elsewhere.example"),
      `<p>${mention("https://kith.example/@alice", "alice")} ${mention("https://elsewhere.example/a", "alice@elsewhere.example")}</p>`,
    );
  });

  it("leaves unresolved mentions as escaped text", () => {
    const out = renderPlainText("@carol and @dave@far.example", opts);
    assert.equal(out.html, "<p>@carol and @dave@far.example</p>");
    assert.deepEqual(out.mentions, []);
    assert.equal(renderPlainText("@alice", { origin: ORIGIN }).html, "<p>@alice</p>");
  });

  it("does not take e-mail addresses or URL paths for mentions", () => {
    assert.equal(html("mail alice@example.com"), "<p>mail alice@example.com</p>");
    assert.deepEqual(extractMentions("https://remote.example/@bob x=@bob"), []);
  });

  it("extracts each mentioned account once, local ones with a null domain", () => {
    assert.deepEqual(
      extractMentions(
        "@Alice @alice @bob@Remote.Example. @x@kith.example @josé @y@",
        "kith.example",
      ),
      [
        { username: "Alice", domain: null },
        { username: "bob", domain: "remote.example" },
        { username: "x", domain: null },
      ],
    );
    // A username cannot hold accented letters, and one followed by them is no mention.
    assert.deepEqual(extractMentions("@zoë@bücher.example"), []);
    assert.deepEqual(extractMentions("@zoe@bücher.example"), [
      { username: "zoe", domain: "xn--bcher-kva.example" },
    ]);
  });
});

describe("renderPlainText: hashtags", () => {
  it("links Unicode hashtags and returns their names as first written", () => {
    const out = renderPlainText("#café #日本語 #Café #cafe #ぼっち・ざ・ろっく", opts);
    assert.equal(
      out.html,
      `<p>${hashtag("café")} ${hashtag("日本語")} ${hashtag("Café")} ${hashtag("cafe")} ${hashtag("ぼっち・ざ・ろっく")}</p>`,
    );
    assert.deepEqual(out.tags, ["café", "日本語", "ぼっち・ざ・ろっく"]);
  });

  it("does not take purely numeric hashtags", () => {
    assert.equal(html("issue #123"), "<p>issue #123</p>");
    assert.deepEqual(extractHashtags("#123 #3d #1_2"), ["3d", "1_2"]);
  });

  it("does not find hashtags inside URLs or words", () => {
    const out = renderPlainText("https://example.com/page#section a#b", opts);
    assert.deepEqual(out.tags, []);
    assert.equal(
      out.html,
      `<p>${link("https://example.com/page#section", "https://", "example.com/page#section", "", false)} a#b</p>`,
    );
  });

  it("follows Mastodon's HASHTAG_RE", () => {
    assert.deepEqual(extractHashtags("hello #one·two·three· #·nope #ok\u00a0#nbsp ＃ｆｕｌｌ"), [
      "one·two·three",
      "ok",
      "nbsp",
      "ｆｕｌｌ",
    ]);
    assert.deepEqual(extractHashtags("just add #نرم\u200cافزار and"), ["نرم\u200cافزار"]);
    assert.deepEqual(extractHashtags("#examplehttps://example.com"), ["example"]);
  });

  it("normalises tag names as Mastodon's HashtagNormalizer does", () => {
    assert.equal(normalizeHashtag("Café"), "cafe");
    assert.equal(normalizeHashtag("ＡＢＣ"), "abc");
    assert.equal(normalizeHashtag("Łódź"), "lodz");
    assert.equal(normalizeHashtag("日本語"), "日本語");
    assert.equal(normalizeHashtag("Straße"), "straße");
  });
});

describe("countCharacters", () => {
  it("counts every URL as 23 characters", () => {
    const long = `https://example.com/${"x".repeat(200)}`;
    assert.equal(countCharacters(long), 23);
    assert.equal(countCharacters("https://a.co"), 23);
    assert.equal(countCharacters(`see ${long} and https://b.example`), 4 + 23 + 5 + 23);
  });

  it("counts a remote mention without its domain", () => {
    assert.equal(countCharacters("@bob@remote.example hi"), "@bob hi".length);
    assert.equal(countCharacters("@bob hi"), 7);
  });

  it("counts grapheme clusters, not code points or UTF-16 units", () => {
    assert.equal(countCharacters("👩‍👩‍👧"), 1);
    assert.equal(countCharacters("e\u0301"), 1);
    assert.equal(countCharacters("日本語"), 3);
  });

  it("counts the content warning in the same budget, links in it included as written", () => {
    assert.equal(countCharacters("body", "cw https://example.com/"), 4 + 23);
    assert.equal(countCharacters("   ", "cw"), 2);
  });
});

describe("sanitizeRemoteHtml", () => {
  it("keeps allowed markup and adds rel and target to links", async () => {
    assert.equal(
      await sanitizeRemoteHtml(
        '<p lang="fr">Hi <a href="https://x.example/" class="u-url mention" rel="me" target="_self">@<span>x</span></a><br><em>e</em> <strong>s</strong> <del>d</del></p>',
      ),
      '<p lang="fr">Hi <a href="https://x.example/" class="u-url mention" rel="nofollow noopener" target="_blank">@<span>x</span></a><br /><em>e</em> <strong>s</strong> <del>d</del></p>',
    );
    assert.equal(
      await sanitizeRemoteHtml('<ol start="3" reversed type="a"><li value="5">x</li></ol>'),
      '<ol start="3" reversed><li value="5">x</li></ol>',
    );
  });

  it("turns headings into bold paragraphs", async () => {
    assert.equal(
      await sanitizeRemoteHtml('<h1 id="t">Title</h1><h3>Sub <em>it</em></h3><p>body</p>'),
      "<p><strong>Title</strong></p><p><strong>Sub <em>it</em></strong></p><p>body</p>",
    );
  });

  it("keeps only microformat and Mastodon classes", async () => {
    assert.equal(
      await sanitizeRemoteHtml(
        '<p class="h-entry evil"><span class="invisible p-name ellipsis big">x</span><a href="https://x.example" class="mention hashtag dt-x e-y u-z red">y</a><span class="red">z</span></p>',
      ),
      '<p class="h-entry"><span class="invisible p-name ellipsis">x</span><a href="https://x.example" class="mention hashtag dt-x e-y u-z" rel="nofollow noopener" target="_blank">y</a><span>z</span></p>',
    );
  });

  it("unwraps disallowed tags, nested ones too, keeping their text", async () => {
    assert.equal(
      await sanitizeRemoteHtml("<p>a<blink>b<marquee>c<font>d</font></marquee></blink></p>"),
      "<p>abcd</p>",
    );
    assert.equal(await sanitizeRemoteHtml("<div>a</div><div>b</div>"), " a  b ");
    assert.equal(
      await sanitizeRemoteHtml("<table><tr><td><h2>t</h2></td></tr></table>"),
      "<p><strong>t</strong></p>",
    );
  });

  it("drops scripts, styles and event handlers", async () => {
    for (const [input, output] of [
      ["<script>alert(1)</script>ok", "ok"],
      ["<style>p{}</style><p style='x' onclick='alert(1)'>ok</p>", "<p>ok</p>"],
      ['<img src=x onerror="alert(1)">ok', "ok"],
      ['"><img src=x onerror=alert(1)>', '"&gt;'],
      ["<svg onload=alert(1)><script>x</script></svg>ok", "ok"],
      ["<iframe src='https://evil.example'></iframe>ok", "ok"],
      ["<scr<script>ipt>alert(1)</script>", "ipt&gt;alert(1)"],
      ['<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', ""],
      ["&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;"],
      ["<!-- <script>alert(1)</script> -->ok", "ok"],
    ] as const) {
      assert.equal(await sanitizeRemoteHtml(input), output, input);
    }
  });

  it("turns links with other schemes into their text", async () => {
    for (const href of [
      "javascript:alert(1)",
      " JavaScript:alert(1)",
      "java&#x09;script:alert(1)",
      "&#106;avascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:x",
      "mailto:a@b.example",
      "/relative",
      "//evil.example/x",
    ]) {
      assert.equal(
        await sanitizeRemoteHtml(`<p><a href="${href}">click <em>me</em></a></p>`),
        "<p>click me</p>",
        href,
      );
    }
    assert.equal(await sanitizeRemoteHtml("<a>no href</a>"), "no href");
  });

  it("keeps the other link schemes Mastodon allows", async () => {
    for (const href of [
      "gemini://x.example/",
      "ipfs://bafy",
      "xmpp:a@b.example",
      "magnet:?xt=urn:x",
    ]) {
      assert.equal(
        await sanitizeRemoteHtml(`<a href="${href}">x</a>`),
        `<a href="${href}" rel="nofollow noopener" target="_blank">x</a>`,
      );
    }
  });

  it("escapes quotes in attributes", async () => {
    assert.equal(
      await sanitizeRemoteHtml(`<a href='https://x.example/"onmouseover="alert(1)'>q</a>`),
      '<a href="https://x.example/&quot;onmouseover=&quot;alert(1)" rel="nofollow noopener" target="_blank">q</a>',
    );
  });

  it("keeps translate only as translate=no", async () => {
    assert.equal(
      await sanitizeRemoteHtml('<span translate="yes">a</span><span translate="no">b</span>'),
      '<span>a</span><span translate="no">b</span>',
    );
  });

  it("renders FEP-dc88 maths as its TeX", async () => {
    assert.equal(
      await sanitizeRemoteHtml(
        '<p><math><semantics><mi>x</mi><annotation encoding="application/x-tex">x^2</annotation></semantics></math></p>',
      ),
      "<p>$x^2$</p>",
    );
  });

  it("cuts oversized input before parsing", async () => {
    const out = await sanitizeRemoteHtml(`<p>${"a".repeat(200_000)}</p>`);
    assert.equal(out, `<p>${"a".repeat(99_997)}</p>`);
    assert.equal(await sanitizeRemoteHtml("<p>abcdef</p>", { maxLength: 5 }), "<p>ab</p>");
  });
});

describe("htmlToPlainText", () => {
  it("ends lines at <br> and </p> and decodes entities", () => {
    assert.equal(
      htmlToPlainText("<p>Hello<br />world</p><p>caf&eacute; &amp; &lt;b&gt; &#39;x&#39;</p>"),
      "Hello\nworld\ncafé & <b> 'x'",
    );
  });

  it("strips tags and the contents of scripts, styles and maths", () => {
    assert.equal(
      htmlToPlainText(
        '<p>a <a href="https://x.example" title="a > b">link</a><script>alert("<p>")</script><style>p{}</style><svg><text>s</text></svg>b</p>',
      ),
      "a linkb",
    );
  });

  it("round-trips a rendered post", () => {
    const rendered = html(
      "Hi @alice, see https://example.com/a/very/long/path/that/goes/on #tag\n\nbye",
    );
    assert.equal(
      htmlToPlainText(rendered),
      "Hi @alice, see https://example.com/a/very/long/path/that/goes/on #tag\nbye",
    );
  });
});
