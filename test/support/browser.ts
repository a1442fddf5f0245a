import chromium from '@sparticuz/chromium';
import { Browser, chromium as playwright, Page } from 'playwright-core';

/** Headless Chromium from npm (no system packages), one per test file. */
export async function launchBrowser(): Promise<Browser> {
  return playwright.launch({ executablePath: await chromium.executablePath(), args: chromium.args, headless: true });
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

/** Where screenshots for docs/ go when SCREENSHOTS=1 (they are not part of the assertions). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS === '1') await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage: true });
}
