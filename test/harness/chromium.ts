import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { findBinary } from './binaries';
import { ROOT } from './app-process';

/** Where browser tests save their screenshots (a CI artifact). */
export const ARTIFACTS = join(ROOT, 'test-artifacts');

/** The machine's headless Chromium (installed, not downloaded), quiet on a closed network. */
export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: findBinary('chromium')!,
    // no sandbox as root in CI; no background networking on a closed network
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // the studio test plays a video without a click
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

/**
 * What went wrong in a page: uncaught errors, and console errors (a Content-Security-Policy
 * that blocks part of a page shows as one).
 */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return errors;
}
