import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    environment: 'node',
    globals: true,
    testTimeout: 20_000,
    // The default reporter for people; the summary line last, for CI to read.
    reporters: ['default', './tests/support/summary-reporter.ts'],
  },
});
