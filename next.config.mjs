/** @type {import('next').NextConfig} */
const nextConfig = {
  // The test suite builds into its own folder so that it never replaces the
  // build of an app that `npm start` is serving from .next.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Event streams must reach the client unbuffered; Next.js compresses with
  // gzip otherwise, which delays bytes. A proxy in front can compress
  // other responses.
  compress: false,
  poweredByHeader: false,
  // Browsers ask for /favicon.ico by themselves; the icon is an SVG.
  async rewrites() {
    return [{ source: "/favicon.ico", destination: "/icon.svg" }];
  },
  // Pages also get a Content-Security-Policy with a nonce from proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          {
            key: "Permissions-Policy",
            value: "camera=(), microphone=(), geolocation=()",
          },
        ],
      },
    ];
  },
  reactStrictMode: true,
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "pino",
    "ioredis",
  ],
};

export default nextConfig;
