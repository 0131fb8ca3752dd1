// @ts-check

/** Headers every response carries; the app is never meant to be framed or sniffed. */
const securityHeaders = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

/**
 * The settlement upload is left out of proxy.ts (which sets the per-request CSP everywhere else):
 * it answers JSON, so it gets a fixed policy that lets nothing load.
 */
const uploadRouteHeaders = [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" }];

/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  devIndicators: false,
  reactStrictMode: true,
  // PGlite loads its WASM and data files from its own package folder at run time.
  serverExternalPackages: ['@electric-sql/pglite', '@node-rs/argon2', 'postgres'],
  // `npm test` typechecks and lints as its own steps; the build need not do it twice.
  typescript: { ignoreBuildErrors: true },
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // forbidden(): a page the role may not see answers 403 (lib/auth/page.ts layoutActor).
  experimental: { authInterrupts: true },
  // `next dev` would print every server action call with its arguments, and they carry secrets
  // (an API key pasted into API credentials, one-time passwords). Errors are still logged.
  logging: { serverFunctions: false },
  async headers() {
    return [
      { source: '/:path*', headers: securityHeaders },
      { source: '/api/settlements/upload', headers: uploadRouteHeaders },
      { source: '/api/refunds/upload', headers: uploadRouteHeaders },
    ];
  },
};

module.exports = nextConfig;
