import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Nightshift } from "@nightshift/sdk";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectTarGz } from "../../sdk/test/helpers/archives.js";
import { diligentModel } from "../../sdk/test/helpers/model-script.js";
import { startTaskServer, type TaskServer } from "../../sdk/test/helpers/task-server.js";

// The page in a real browser (Debian's chromium, driven by playwright-core) against the real
// server: paste the key, watch a task finish live, download its result.
const CHROMIUM = process.env.NIGHTSHIFT_CHROMIUM ?? "/usr/bin/chromium";
const GATE = path.join(os.tmpdir(), `ns-page-gate-${process.pid}-${Date.now()}`);
const HOSTILE = `write s1.txt and s2.txt <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;

let h: TaskServer;
let browser: Browser;
beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`the page test needs chromium at ${CHROMIUM}: apt-get install -y chromium`);
  h = await startTaskServer(diligentModel({ gateFile: GATE }));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
  fs.rmSync(GATE, { force: true });
});

describe("the page at GET /", { timeout: 180_000 }, () => {
  it("shows a task finishing live (stage, checkpoints, cost, report) and downloads its artifact", async () => {
    const client = new Nightshift({ apiKey: h.key.api_key, baseURL: h.url });
    const agent = await client.agents.create({
      model: "gpt-5.1-codex",
      timeout_hours: 1,
      checkpoint_interval: 10,
      max_cost: 2,
    });
    const file = await client.files.create({
      file: projectTarGz({ "base.txt": "ok\n" }),
      filename: "project.tar.gz",
      purpose: "agent",
    });
    const task = await client.agentTasks.create({
      agent_id: agent.id,
      instructions: HOSTILE,
      files: [file.id],
      output_format: "zip",
    });

    // The page itself is public, with a strict content policy; the API behind it is not.
    const home = await fetch(`${h.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect((await fetch(`${h.url}/app.js`)).status).toBe(200);

    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("pageerror", (err) => problems.push(err.message));
    page.on("dialog", (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    // Nothing leaves 127.0.0.1.
    await context.route(
      (url) => !url.href.startsWith(h.url),
      (route) => {
        problems.push(`outside request: ${route.request().url()}`);
        return route.abort();
      },
    );
    await page.goto(`${h.url}/`);

    // A wrong key is refused, with the server's message.
    await page.fill("#key-input", "nsk_wrong");
    await page.click("#key-save");
    await page.waitForSelector("#notice.error");
    expect(await page.textContent("#notice")).toMatch(/not valid/);

    await page.fill("#key-input", h.key.api_key);
    await page.click("#key-save");
    const row = page.locator(`.task-row[data-id="${task.id}"]`);
    await row.waitFor();
    expect(await page.evaluate(() => localStorage.getItem("nightshift.apiKey"))).toBe(h.key.api_key);
    await row.click();
    await page.evaluate(() => {
      (window as unknown as { __samePage: boolean }).__samePage = true;
    });

    // Live: the first stage is under way (the model waits for the gate).
    await page.waitForFunction(
      () => document.querySelector("#detail-stage")?.textContent?.startsWith("1/2"),
      null,
      {
        timeout: 90_000,
      },
    );
    expect(await page.textContent("#detail-status")).toBe("running");
    expect(await page.textContent("#detail-live")).toContain("live");
    // Hostile text from the API is shown as text, never run or parsed.
    expect(await page.textContent("#detail-instructions")).toBe(HOSTILE);
    expect(await page.textContent("#detail-stage")).toBe("1/2: write s1.txt <b>&amp;</b>");
    expect(await page.locator("#detail img, #detail script, #detail b, #task-list img").count()).toBe(0);

    fs.writeFileSync(GATE, "");
    await page.waitForFunction(
      () => document.querySelector("#detail-status")?.textContent === "completed",
      null,
      {
        timeout: 120_000,
      },
    );
    expect(await page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);
    const done = await client.agentTasks.retrieve(task.id);
    expect(done.status).toBe("completed");

    // Stage progress, checkpoints on the timeline, the cost chart against max_cost, the report.
    expect(await page.textContent("#detail-stage")).toBe("2/2: write s2.txt <b>&amp;</b>");
    expect(
      await page.evaluate(() => (document.querySelector("#detail-stage-bar") as HTMLProgressElement).value),
    ).toBe(2);
    await page.waitForFunction(
      () => document.querySelectorAll('#timeline [data-role="checkpoint"]').length === 3,
    );
    expect(await page.locator('#timeline [data-role="checkpoint"][data-green="true"]').count()).toBe(3);
    expect(await page.locator('#cost-chart [data-role="budget"]').count()).toBe(1);
    const polyline = await page.getAttribute('#cost-chart [data-role="cost"]', "points");
    expect(polyline!.split(" ").length).toBeGreaterThanOrEqual(4);
    expect(await page.textContent("#cost-chart svg title")).toContain("of $2.00");
    await page.waitForFunction(
      () => !document.querySelector("#report")?.textContent?.startsWith("The report comes"),
    );
    const report = await client.agentTasks.report(task.id);
    expect(await page.textContent("#report")).toBe(report.markdown);
    expect(await page.locator("#events li").count()).toBeGreaterThan(5);

    // The artifact, fetched with the key and saved by the browser: the very bytes of the output file.
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
    const saved = fs.readFileSync((await download.path())!);
    const expected = Buffer.from(await (await client.files.content(done.output_file_id!)).arrayBuffer());
    expect(saved.equals(expected)).toBe(true);
    expect(saved.subarray(0, 4).toString("latin1")).toBe("PK\x03\x04");
    expect(download.suggestedFilename()).toBe((await client.files.retrieve(done.output_file_id!)).filename);

    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(problems).toEqual([]);
    await context.close();
  });
});
