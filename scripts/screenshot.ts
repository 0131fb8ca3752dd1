/**
 * Refreshes the README screenshot from a running dashboard (npm run dev, in another terminal):
 *   npm run screenshot            # uses http://localhost:3000 and the demo admin
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';

async function main() {
  const base = process.env.APP_URL ?? 'http://localhost:3000';
  const dataDir = process.env.DATA_DIR ?? '.data';
  const { email, password } = JSON.parse(readFileSync(path.join(dataDir, 'demo-credentials.json'), 'utf8'));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 760 }, deviceScaleFactor: 1 });
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Welcome,/ }).waitFor();
  await page.goto(`${base}/settings/users`);
  await page.getByRole('heading', { name: 'Users' }).waitFor();
  await page.screenshot({ path: 'docs/screenshot.png' });
  await browser.close();
  console.log('wrote docs/screenshot.png');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
