import { createRequire } from 'node:module';
import { NextRequest } from 'next/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { config as proxyConfig, proxy } from '@/proxy';
import { contentSecurityPolicy, HSTS_VALUE, newNonce, securityHeaders } from './headers';

/** The CSP as { directive: [sources] }. */
function directives(csp: string): Record<string, string[]> {
  return Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('security headers', () => {
  const nonce = 'bm9uY2Utb2YtdGhpcy1yZXF1ZXN0';

  it('lets scripts run only by the nonce in production: no unsafe-inline or unsafe-eval', () => {
    const csp = directives(contentSecurityPolicy({ nonce, appUrl: 'https://dash.example.com', development: false }));
    expect(csp['script-src']).toEqual(["'self'", `'nonce-${nonce}'`, "'strict-dynamic'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['base-uri']).toEqual(["'self'"]);
    expect(csp['form-action']).toEqual(["'self'"]);
  });

  it('allows eval only under next dev (React rebuilds server error stacks with it)', () => {
    const csp = directives(contentSecurityPolicy({ nonce, appUrl: undefined, development: true }));
    expect(csp['script-src']).toContain("'unsafe-eval'");
    expect(csp['script-src']).not.toContain("'unsafe-inline'");
  });

  it('keeps inline styles allowed and carries no nonce in style-src (a nonce there would switch unsafe-inline off)', () => {
    const csp = directives(contentSecurityPolicy({ nonce, appUrl: undefined, development: false }));
    expect(csp['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it('sends HSTS and upgrades insecure requests only when APP_URL is https', () => {
    const https = securityHeaders({ nonce, appUrl: 'https://dash.example.com', development: false });
    expect(https['Strict-Transport-Security']).toBe(HSTS_VALUE);
    expect(directives(https['Content-Security-Policy']!)).toHaveProperty('upgrade-insecure-requests');

    for (const appUrl of ['http://localhost:3000', 'http://dash.example.com', undefined, 'not a url']) {
      const plain = securityHeaders({ nonce, appUrl, development: false });
      expect(plain, String(appUrl)).not.toHaveProperty('Strict-Transport-Security');
      expect(directives(plain['Content-Security-Policy']!)).not.toHaveProperty('upgrade-insecure-requests');
    }
  });

  it('makes a new unguessable nonce each time', () => {
    const nonces = new Set(Array.from({ length: 50 }, newNonce));
    expect(nonces.size).toBe(50);
    for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});

describe('proxy.ts', () => {
  afterEach(() => vi.unstubAllEnvs());

  const run = (headers: Record<string, string> = {}) =>
    proxy(new NextRequest('http://localhost:3000/payments?state=CAPTURED', { headers }));

  it('puts the same fresh nonce on the response CSP, the request CSP Next.js reads and x-nonce; a new one per request', () => {
    const first = run();
    const csp = first.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(first.headers.get('x-middleware-request-content-security-policy')).toBe(csp);
    expect(first.headers.get('x-middleware-request-x-nonce')).toBe(nonce);

    const second = run();
    expect(second.headers.get('content-security-policy')).not.toBe(csp);
  });

  it('never takes a nonce from the client', () => {
    const response = run({
      'x-nonce': 'attacker-chosen',
      'content-security-policy': "script-src 'nonce-attacker-chosen'",
    });
    expect(response.headers.get('x-middleware-request-x-nonce')).not.toBe('attacker-chosen');
    expect(response.headers.get('x-middleware-request-content-security-policy')).not.toContain('attacker-chosen');
  });

  it('keeps the request id and the path for sign-in redirects', () => {
    const response = run({ 'x-request-id': 'upstream-id-1234' });
    expect(response.headers.get('x-request-id')).toBe('upstream-id-1234');
    expect(response.headers.get('x-middleware-request-x-pathname')).toBe('/payments?state=CAPTURED');
  });

  it('reads APP_URL at request time for HSTS', () => {
    vi.stubEnv('APP_URL', 'https://dash.example.com');
    expect(run().headers.get('strict-transport-security')).toBe(HSTS_VALUE);
    vi.stubEnv('APP_URL', 'http://localhost:3000');
    expect(run().headers.get('strict-transport-security')).toBeNull();
  });

  it('still leaves the streaming settlement and refund uploads out, and next.config.js gives those routes a CSP', () => {
    const matcher = new RegExp(`^${proxyConfig.matcher[0]}$`);
    expect(matcher.test('/api/settlements/upload')).toBe(false);
    expect(matcher.test('/api/refunds/upload')).toBe(false);
    expect(matcher.test('/api/refunds/batches/x')).toBe(true);
    expect(matcher.test('/api/webhooks/klarna')).toBe(true);
    expect(matcher.test('/sign-in')).toBe(true);
  });
});

describe('next.config.js', () => {
  const nextConfig = createRequire(import.meta.url)('../../next.config.js') as {
    logging?: { serverFunctions?: boolean };
    headers: () => Promise<{ source: string; headers: { key: string; value: string }[] }[]>;
  };

  it('does not print server action calls (their arguments carry pasted API keys) in next dev', () => {
    expect(nextConfig.logging?.serverFunctions).toBe(false);
  });

  it('sends nosniff, the referrer policy and a CSP for the upload route the proxy skips', async () => {
    const rules = await nextConfig.headers();
    const all = Object.fromEntries(
      rules.find((r) => r.source === '/:path*')!.headers.map((h) => [h.key.toLowerCase(), h.value]),
    );
    expect(all['x-content-type-options']).toBe('nosniff');
    expect(all['referrer-policy']).toBe('same-origin');
    expect(all).not.toHaveProperty('content-security-policy');
    for (const source of ['/api/settlements/upload', '/api/refunds/upload']) {
      const upload = rules.find((r) => r.source === source)!.headers;
      expect(upload).toContainEqual({
        key: 'Content-Security-Policy',
        value: "default-src 'none'; frame-ancestors 'none'",
      });
    }
  });
});
