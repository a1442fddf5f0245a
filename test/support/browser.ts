import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import chromium from '@sparticuz/chromium';
import { Browser, chromium as playwright, Page } from 'playwright-core';

/**
 * This Chromium ships no font for Chinese: the zh-CN pages work and test the same without one, but
 * a screenshot shows a box for every character. A fontconfig file of our own (FONTCONFIG_FILE, for
 * the browser's process only) adds Noto Sans SC from npm (@embedpdf/fonts-sc: OpenType files; the
 * woff/woff2 of @fontsource are web fonts fontconfig cannot read) to the fonts Chromium unpacks in
 * /tmp/fonts. The cache is kept between runs: scanning the fonts the first time takes seconds.
 */
function fontconfigFile(): string {
  const cjk = join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
  const cache = join(tmpdir(), 'herald-fontconfig-cache');
  mkdirSync(cache, { recursive: true });
  const file = join(mkdtempSync(join(tmpdir(), 'herald-fonts-')), 'fonts.conf');
  writeFileSync(
    file,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${join(tmpdir(), 'fonts')}</dir>
  <dir>${cjk}</dir>
  <cachedir>${cache}</cachedir>
</fontconfig>
`,
  );
  return file;
}

/**
 * Headless Chromium from npm (no system packages), one per test file. Not in one process, as this
 * build is set for by default: there, every page's own requests (an EventSource's, a fetch's) go
 * out with the first browser context's cookies, so a second signed-in person's live call stream
 * was sent as the first person's — refused, and the page never heard its call's state.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = await chromium.executablePath();
  const args = chromium.args.filter((arg) => arg !== '--single-process');
  return playwright.launch({
    executablePath,
    args,
    headless: true,
    env: { ...process.env, FONTCONFIG_FILE: fontconfigFile() },
  });
}

/** A fresh browser context (its own cookies) signed in as this person, on the page they land on. */
export async function signedIn(browser: Browser, baseUrl: string, person: { username: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: baseUrl, locale: 'en-GB' })).newPage();
  // A step that waits longer than this has failed; say so before Jest's own timeout does.
  page.setDefaultTimeout(10_000);
  await page.goto('/console/sign-in');
  await page.getByLabel('Username').fill(person.username);
  await page.getByLabel('Password').fill(person.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/sign-in'));
  return page;
}

/** Where screenshots for docs/ go when SCREENSHOTS=1 (they are not part of the assertions; a CJK font, above, for the Chinese). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });
}
