import type { NextConfig } from 'next';

/**
 * Nothing leaves the machine: the Content-Security-Policy allows only this origin (wasm for onnxruntime-web, blob:
 * for recorded audio and workers), so a stray remote font, script or beacon fails loudly in the browser console.
 */
const csp = [
  "default-src 'self'",
  // Next's bootstrap is inline; wasm-unsafe-eval lets onnxruntime-web compile its wasm. Dev mode also needs eval.
  `script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'${process.env.NODE_ENV === 'development' ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const config: NextConfig = {
  // Native code stays out of the server bundle and is required at run time.
  serverExternalPackages: ['onnxruntime-node', '@ser/native', 'audio-decode'],
  poweredByHeader: false,
  // The repository root is the workspace root (one lockfile): say so instead of letting Next guess.
  outputFileTracingRoot: new URL('../..', import.meta.url).pathname,
  async headers() {
    return [{ source: '/:path*', headers: [{ key: 'Content-Security-Policy', value: csp }, { key: 'X-Content-Type-Options', value: 'nosniff' }, { key: 'Referrer-Policy', value: 'no-referrer' }] }];
  },
};

export default config;
