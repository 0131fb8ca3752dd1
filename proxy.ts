import { NextResponse, type NextRequest } from 'next/server';

const SAFE_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Gives every request an id (kept from a trusted upstream when well-formed) for logs and audit. */
export function proxy(request: NextRequest) {
  const incoming = request.headers.get('x-request-id');
  const requestId = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
  const headers = new Headers(request.headers);
  headers.set('x-request-id', requestId);
  // Lets a server component send a signed-out visitor back here after sign-in.
  headers.set('x-pathname', request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('x-request-id', requestId);
  return response;
}

// The settlement upload streams files of several GB: a proxy makes Next.js clone and buffer
// the request body (cut at 10 MB), so that route is left out.
export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico|icon.svg|api/settlements/upload).*)'],
};
