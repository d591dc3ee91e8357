import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // The contracts package ships TypeScript source (with .ts import extensions and a JSON import).
  transpilePackages: ['@iot/contracts'],
  // Native-ish Node libraries: load them with Node's require at run time instead of bundling them.
  serverExternalPackages: ['@grpc/grpc-js', '@grpc/proto-loader'],
  // Server-Sent Events must reach the browser frame by frame: no gzip buffering in Next itself.
  compress: false,
  poweredByHeader: false,
  reactStrictMode: true,
};

export default nextConfig;
