/** @type {import('next').NextConfig} */
const nextConfig = {
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
