import { RowActions, TableCard } from '@/components/lists/table-card';
import { Td } from '@/components/ui/table';
import { socialPlatforms, type ChannelCollection } from '@/lib/klarna/schemas/accounts';
import { channelLabel } from '@/lib/merchants/service';
import type { ChannelCardProps } from './channels-card';
import { CollectionDialog, type CollectionValues } from './collection-dialog';
import { DeleteCollectionButton } from './row-actions';

function collectionValues(c: ChannelCollection): CollectionValues {
  return {
    collection_reference: c.collection_reference,
    branding: (c.branding as Record<string, unknown> | null | undefined) ?? null,
    support: (c.support as Record<string, unknown> | null | undefined) ?? null,
    social_links: (c.social_links ?? []).map((l) => ({ platform: l.platform, url: l.url })),
  };
}

export function CollectionsCard({ accountId, channels, collections, canManage, blockReason }: ChannelCardProps) {
  return (
    <TableCard
      title="Channel collections"
      description="Branding, support contacts and social links shared by the channels that use them, shown to shoppers in the Klarna app."
      action={
        canManage && <CollectionDialog accountId={accountId} platforms={socialPlatforms} disabledReason={blockReason} />
      }
      note={canManage && blockReason}
      caption="Channel collections"
      columns={['Reference', 'Display name', 'Support', 'Social links', 'Used by']}
      rowActions={canManage}
      isEmpty={collections.length === 0}
      empty="No channel collections yet. Add one, then assign it to channels."
    >
      {collections.map((c) => {
        const users = channels.filter((ch) => ch.collection_reference === c.collection_reference);
        const support = [c.support?.email, c.support?.phone, c.support?.url, c.support?.returns_url].filter(
          (v): v is string => Boolean(v),
        );
        const social = c.social_links?.length ?? 0;
        return (
          <tr key={c.collection_reference}>
            <Td className="font-mono text-xs">{c.collection_reference}</Td>
            <Td>
              <span className="inline-flex items-center gap-2">
                {c.branding?.brand_color && (
                  <span
                    aria-hidden
                    className="size-3 rounded-full border"
                    style={{ backgroundColor: c.branding.brand_color }}
                  />
                )}
                {c.branding?.display_name || <span className="text-muted-foreground">No branding</span>}
              </span>
            </Td>
            <Td className="text-xs">
              {support.length ? (
                <ul className="grid gap-0.5">
                  {support.map((s) => (
                    <li key={s} className="max-w-56 truncate" title={s}>
                      {s}
                    </li>
                  ))}
                </ul>
              ) : (
                <span className="text-muted-foreground">None</span>
              )}
            </Td>
            <Td className="whitespace-nowrap">
              {social === 0 ? (
                <span className="text-muted-foreground">None</span>
              ) : (
                `${social} link${social === 1 ? '' : 's'}`
              )}
            </Td>
            <Td className="text-xs">
              {users.length === 0 ? (
                <span className="text-muted-foreground">No channel</span>
              ) : (
                <span title={users.map((u) => channelLabel(u)).join(', ')}>
                  {users.length} channel{users.length === 1 ? '' : 's'}: {users.map((u) => channelLabel(u)).join(', ')}
                </span>
              )}
            </Td>
            {canManage && (
              <RowActions>
                <CollectionDialog
                  accountId={accountId}
                  collection={collectionValues(c)}
                  platforms={socialPlatforms}
                  disabledReason={blockReason}
                />
                <DeleteCollectionButton
                  accountId={accountId}
                  reference={c.collection_reference}
                  usedBy={users.length}
                  disabledReason={blockReason}
                />
              </RowActions>
            )}
          </tr>
        );
      })}
    </TableCard>
  );
}
