// The bench's bare Next.js app: route handlers doing what
// bench/plain-server.mjs does, to measure the framework's own cost per
// stream. It builds into .next-bench beside this file.
/** @type {import('next').NextConfig} */
const nextConfig = {
  distDir: ".next-bench",
  // As in the app: event streams must not be gzipped.
  compress: false,
  poweredByHeader: false,
};

export default nextConfig;
