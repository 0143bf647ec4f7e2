import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Fails any test that opens a connection outside 127.0.0.0/8 and ::1 (see the file).
    setupFiles: ['test/support/loopback-guard.mjs'],
  },
});
