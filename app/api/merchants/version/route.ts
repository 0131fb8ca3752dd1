import { versionPollRoute } from '@/lib/version-polls';

export const dynamic = 'force-dynamic';

/** A live page's fingerprint (lib/version-polls.ts; in production server.ts answers it before Next.js). */
export const GET = versionPollRoute;
