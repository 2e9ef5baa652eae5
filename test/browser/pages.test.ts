// A real browser (Debian's Chromium, driven by playwright-core) reads the about page and a
// profile on a running Kith: the text people see, no script errors, and screenshots in /tmp
// for a human to look at. Skipped, saying why, when /usr/bin/chromium is not installed
// (Debian package: chromium).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import type { Browser } from "playwright-core";
import { addServerRule } from "../../src/domain/server-rules.ts";
import { createStatus } from "../../src/domain/statuses/create.ts";
import { loadViewer } from "../../src/domain/viewer.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { createUser } from "../helpers/users.ts";

const CHROMIUM = "/usr/bin/chromium";
const SKIP = existsSync(CHROMIUM)
  ? false
  : `${CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium) to run the browser test`;

describe("public pages in a browser [sqlite]", { skip: SKIP }, () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer("sqlite", { KITH_TITLE: "Kith Garden" });
    const ctx = server.kith.ctx;
    const alice = await createUser(ctx, { username: "alice", role: "admin" });
    await ctx.db.kysely
      .updateTable("accounts")
      .set({ display_name: "Alice Liddell", note: "<p>Gardener &amp; tea drinker.</p>" })
      .where("id", "=", alice.accountId)
      .execute();
    const viewer = await loadViewer(ctx, alice.accountId);
    await createStatus(ctx, viewer, {
      text: "The roses are out today #garden",
      visibility: "public",
    });
    await createStatus(ctx, viewer, { text: "Only for my followers", visibility: "private" });
    await addServerRule(ctx, {
      text: "Be kind to one another",
      hint: "Disagree without contempt.",
    });
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test("the about page and a profile read well without JavaScript", async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 900, height: 1000 },
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("requestfailed", (r) => problems.push(`${r.url()} failed`));
    // Every resource the pages use must load (the browser's own favicon probe aside).
    page.on("response", (r) => {
      if (r.status() >= 400 && !r.url().endsWith("/favicon.ico"))
        problems.push(`${r.url()}: ${r.status()}`);
    });

    // Rendered text, as a person sees it (not the DOM's textContent).
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's innerText is the visible text
    const visibleText = (selector: string) => page.locator(selector).first().innerText();

    const about = await page.goto(`${server.url}/about`);
    assert.equal(about?.status(), 200);
    assert.equal(await page.title(), "About - Kith Garden");
    assert.equal(await visibleText("main h1"), "Kith Garden");
    assert.match(await visibleText("#rules"), /Be kind to one another/);
    assert.match(await visibleText("#source"), /GNU Affero General Public License/);
    assert.ok(await page.getByRole("link", { name: "Create an account" }).isVisible());
    await page.screenshot({ path: "/tmp/kith-about.png", fullPage: true });

    const profile = await page.goto(`${server.url}/@alice`);
    assert.equal(profile?.status(), 200);
    assert.match(await page.title(), /^Alice Liddell \(@alice@/);
    assert.equal(await visibleText("h1.p-name"), "Alice Liddell");
    assert.match(await visibleText(".p-note"), /Gardener & tea drinker\./);
    const posts = await page.locator("article.status").allInnerTexts();
    assert.equal(posts.length, 1);
    assert.match(posts[0]!, /The roses are out today #garden/);
    assert.doesNotMatch(await visibleText("main"), /Only for my followers/);
    // Laid out as a page, not bare HTML: the card styles apply. (The function runs in the page;
    // this project loads no DOM types, hence the cast.)
    type Styles = { getComputedStyle(el: unknown): { borderRadius: string } };
    const radius = await page
      .locator("section.profile")
      .evaluate((el) => (globalThis as unknown as Styles).getComputedStyle(el).borderRadius);
    assert.equal(radius, "8px");
    await page.screenshot({ path: "/tmp/kith-profile.png", fullPage: true });

    assert.deepEqual(problems, []);
    await context.close();
  });
});
