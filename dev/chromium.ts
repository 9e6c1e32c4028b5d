/**
 * Debian's Chromium (apt-get install chromium), as every browser run here launches it (the e2e suites, the bench's
 * page measurement): never a downloaded browser, and none of its background traffic.
 */
export const CHROMIUM = {
  executablePath: "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};
