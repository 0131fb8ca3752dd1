import type { Metadata, Viewport } from 'next';
import { headers } from 'next/headers';
import { Providers } from '@/components/providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Klarna Partner Dashboard', template: '%s · Klarna Partner Dashboard' },
  description: 'Onboard merchants to Klarna and run their payments, settlements and webhooks.',
  robots: { index: false, follow: false },
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // proxy.ts makes a CSP nonce per request; next-themes' inline script needs it to run. Reading
  // headers also renders every page per request, which a nonce needs (none is static).
  const nonce = (await headers()).get('x-nonce') ?? undefined;
  return (
    // next-themes sets the class before paint; the warning suppression covers only that attribute.
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-dvh">
        <Providers nonce={nonce}>{children}</Providers>
      </body>
    </html>
  );
}
