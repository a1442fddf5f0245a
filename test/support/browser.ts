import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import chromium from '@sparticuz/chromium';
import { Browser, chromium as playwright, Page } from 'playwright-core';

/**
 * CJK fonts a Debian machine may have (`apt-get install fonts-wqy-microhei`). This Chromium reads
 * fonts only from its own folders (/tmp/fonts among them), and ships none for Chinese: without one
 * the zh-CN pages work and test the same, but a screenshot shows boxes for every character.
 */
const CJK_FONTS = [
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
];

function offerCjkFont(): void {
  const font = CJK_FONTS.find((path) => existsSync(path));
  if (!font) return;
  mkdirSync('/tmp/fonts', { recursive: true });
  const target = join('/tmp/fonts', basename(font));
  if (!existsSync(target)) copyFileSync(font, target);
}

/**
 * Headless Chromium from npm (no system packages), one per test file. Not in one process, as this
 * build is set for by default: there, every page's own requests (an EventSource's, a fetch's) go
 * out with the first browser context's cookies, so a second signed-in person's live call stream
 * was sent as the first person's — refused, and the page never heard its call's state.
 */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = await chromium.executablePath();
  offerCjkFont();
  const args = chromium.args.filter((arg) => arg !== '--single-process');
  return playwright.launch({ executablePath, args, headless: true });
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
