import type { Browser } from 'playwright-core';

export const CHROMIUM: string;
export const CHROMIUM_FLAGS: readonly string[];
export function launchChromium(extraFlags?: readonly string[]): Promise<Browser>;
