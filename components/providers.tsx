'use client';

import { useState } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ThemeProvider } from 'next-themes';
import { Toaster } from 'sonner';
import { z } from 'zod';

// zod compiles object parsers with `new Function` after probing whether eval is allowed; our
// CSP forbids it, and the probe alone reports a violation. In the browser, parse without it.
if (typeof window !== 'undefined') z.config({ jitless: true });

export function Providers({ children, nonce }: { children: React.ReactNode; nonce?: string }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 15_000, retry: 1 } } }),
  );
  return (
    <ThemeProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange nonce={nonce}>
      <QueryClientProvider client={queryClient}>
        {children}
        {/* Bottom-right: top-right would cover the account menu in the header. Plain colours:
            sonner's rich success and error texts are below 4.5:1 on their backgrounds. */}
        <Toaster closeButton position="bottom-right" />
      </QueryClientProvider>
    </ThemeProvider>
  );
}
