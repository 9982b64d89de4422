// Debian's Chromium, driven by playwright-core: never a browser download. One place for the
// path and the launch flags every browser test, benchmark and screenshot uses (without the
// background-networking flags Chromium keeps dialling out on this closed network).
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches Chromium with the shared flags plus `extraFlags`. */
export function launchChromium(extraFlags = []) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS, ...extraFlags] });
}
