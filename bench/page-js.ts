import { existsSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { CHROMIUM } from "@/dev/chromium";

/** The JavaScript the settings page makes Chromium load, signed in with `cookie`: files, gzip and wire bytes. */
export async function measurePageJs(base: string, cookie: string) {
  if (!existsSync(CHROMIUM.executablePath)) return { skipped: "no /usr/bin/chromium" };
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch(CHROMIUM);
  try {
    const context = await browser.newContext();
    const [name, value] = cookie.split("=") as [string, string];
    await context.addCookies([{ name, value, url: base }]);
    const page = await context.newPage();
    const scripts: Promise<{ url: string; transfer: number; gzip: number; raw: number }>[] = [];
    page.on("response", (response) => {
      if (response.request().resourceType() !== "script") return;
      scripts.push(
        (async () => {
          const body = await response.body();
          const sizes = await response.request().sizes();
          return {
            url: new URL(response.url()).pathname,
            transfer: sizes.responseBodySize,
            gzip: gzipSync(body).length,
            raw: body.length,
          };
        })(),
      );
    });
    await page.goto(`${base}/settings`, { waitUntil: "networkidle" });
    if (!(await page.getByRole("heading", { name: "Provider API Keys" }).isVisible()))
      throw new Error("settings page did not render");
    const files = await Promise.all(scripts);
    return {
      files: files.length,
      gzipBytes: files.reduce((n, f) => n + f.gzip, 0),
      transferBytes: files.reduce((n, f) => n + f.transfer, 0),
      rawBytes: files.reduce((n, f) => n + f.raw, 0),
      /** Every script, the largest first. */
      scripts: files.sort((a, b) => b.gzip - a.gzip),
    };
  } finally {
    await browser.close();
  }
}
