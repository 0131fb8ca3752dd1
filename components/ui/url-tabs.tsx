'use client';

import { useState } from 'react';
import { Tabs } from 'radix-ui';

export type UrlTab = { id: string; label: string; content: React.ReactNode };

/**
 * A page's sections as tabs (arrow keys move between them). The open tab is kept
 * in the address (`?tab=`) without a round trip, so a reload or a shared link opens it again.
 */
export function UrlTabs({ tabs, initial, label }: { tabs: UrlTab[]; initial: string; label: string }) {
  const [value, setValue] = useState(tabs.some((t) => t.id === initial) ? initial : tabs[0]!.id);
  return (
    <Tabs.Root
      className="min-w-0"
      value={value}
      onValueChange={(next) => {
        setValue(next);
        const url = new URL(window.location.href);
        url.searchParams.set('tab', next);
        window.history.replaceState(window.history.state, '', url);
      }}
    >
      <Tabs.List aria-label={label} className="mb-4 flex gap-1 overflow-x-auto border-b">
        {tabs.map((tab) => (
          <Tabs.Trigger
            key={tab.id}
            value={tab.id}
            className="-mb-px whitespace-nowrap border-b-2 border-transparent px-3 py-2 text-sm font-medium text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring data-[state=active]:border-primary data-[state=active]:text-foreground"
          >
            {tab.label}
          </Tabs.Trigger>
        ))}
      </Tabs.List>
      {tabs.map((tab) => (
        <Tabs.Content key={tab.id} value={tab.id} className="grid min-w-0 grid-cols-[minmax(0,1fr)] gap-4 outline-none">
          {tab.content}
        </Tabs.Content>
      ))}
    </Tabs.Root>
  );
}
