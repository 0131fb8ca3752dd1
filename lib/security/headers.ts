/** Per-request CSP with a fresh nonce and HSTS over https; static headers are in next.config.js. */

export type SecurityHeaderOptions = {
  nonce: string;
  /** APP_URL: `https://` turns on HSTS and upgrade-insecure-requests. */
  appUrl: string | undefined;
  /** `next dev`: React needs eval there to rebuild server error stacks in the browser. */
  development: boolean;
};

/** Two years, the span browsers' preload lists expect; subdomains are the operator's own. */
export const HSTS_VALUE = 'max-age=63072000; includeSubDomains';

export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function servedOverHttps(appUrl: string | undefined): boolean {
  if (!appUrl) return false;
  try {
    return new URL(appUrl).protocol === 'https:';
  } catch {
    return false;
  }
}

export function contentSecurityPolicy({ nonce, appUrl, development }: SecurityHeaderOptions): string {
  const directives: [string, ...string[]][] = [
    ['default-src', "'self'"],
    // 'strict-dynamic': the nonced framework scripts may load the app's chunks; nothing else runs.
    ['script-src', "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    // Styles stay 'unsafe-inline' (a nonce would switch that off): React, next-themes and sonner inject
    // styles, and style injection cannot run script.
    ['style-src', "'self'", "'unsafe-inline'"],
    // data: for the TOTP enrolment QR code (a PNG data URL).
    ['img-src', "'self'", 'data:'],
    ['font-src', "'self'"],
    ['connect-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'self'"],
    ['form-action', "'self'"],
    ['frame-ancestors', "'none'"],
  ];
  if (servedOverHttps(appUrl)) directives.push(['upgrade-insecure-requests']);
  return directives.map((d) => d.join(' ')).join('; ');
}

export function securityHeaders(options: SecurityHeaderOptions): {
  'Content-Security-Policy': string;
  'Strict-Transport-Security'?: string;
} {
  return {
    'Content-Security-Policy': contentSecurityPolicy(options),
    ...(servedOverHttps(options.appUrl) ? { 'Strict-Transport-Security': HSTS_VALUE } : {}),
  };
}
