/** @type {import('next').NextConfig} */
const nextConfig = {
  // The test suite builds into its own folder so that it never replaces the
  // build of an app that `npm start` is serving from .next.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Event streams must reach the client unbuffered; Next.js compresses with
  // gzip otherwise, which holds bytes back. A proxy in front can compress
  // other responses.
  compress: false,
  poweredByHeader: false,
  reactStrictMode: true,
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "pino",
    "ioredis",
  ],
};

export default nextConfig;
