import { NextResponse, type NextRequest } from 'next/server';
import { requestIdFrom } from '@/lib/request-id';
import { newNonce, securityHeaders } from '@/lib/security/headers';

/**
 * Gives every request an id (kept from a trusted upstream when well-formed) for logs and audit,
 * and its own CSP nonce: Next.js reads the nonce from the request's Content-Security-Policy
 * header and puts it on the scripts it renders (so every page renders per request).
 */
export function proxy(request: NextRequest) {
  const requestId = requestIdFrom(request.headers.get('x-request-id'));
  const nonce = newNonce();
  const security = securityHeaders({
    nonce,
    appUrl: process.env.APP_URL,
    development: process.env.NODE_ENV === 'development',
  });
  const headers = new Headers(request.headers);
  headers.set('x-request-id', requestId);
  // Lets a server component send a signed-out visitor back here after sign-in.
  headers.set('x-pathname', request.nextUrl.pathname + request.nextUrl.search);
  // Always ours, never a client's: app/layout.tsx hands it to next-themes' inline script.
  headers.set('x-nonce', nonce);
  headers.set('content-security-policy', security['Content-Security-Policy']);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('x-request-id', requestId);
  for (const [name, value] of Object.entries(security)) if (value) response.headers.set(name, value);
  return response;
}

// The settlement upload streams files of several GB (the refund upload streams too): a proxy makes Next.js clone and buffer
// the request body (cut at 10 MB), so that route is left out (next.config.js gives it a CSP).
export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg|api/settlements/upload|api/refunds/upload).*)'],
};
