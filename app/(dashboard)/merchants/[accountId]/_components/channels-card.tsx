import { MiddleEllipsis } from '@/components/ids/middle-ellipsis';
import { RowActions, TableCard } from '@/components/lists/table-card';
import { Td } from '@/components/ui/table';
import type { Channel, ChannelCollection } from '@/lib/klarna/schemas/accounts';
import { channelLabel } from '@/lib/merchants/service';
import { AddressLines } from './business-card';
import { ChannelDialog, type ChannelValues } from './channel-dialog';
import { channelTypeLabel } from './format';
import { DeleteChannelButton } from './row-actions';

function channelValues(c: Channel): ChannelValues {
  return {
    channel_id: c.channel_id,
    type: c.type,
    name: c.name ?? null,
    urls: c.urls ?? [],
    address: (c.address as Record<string, unknown> | null | undefined) ?? null,
    app_store_urls: c.app_store_urls ?? [],
    collection_reference: c.collection_reference ?? null,
  };
}

/** What the channels and the collections cards take: both lists, as each card shows the other's. */
export type ChannelCardProps = {
  accountId: string;
  channels: Channel[];
  collections: ChannelCollection[];
  canManage: boolean;
  blockReason: string | null;
};

export function ChannelsCard({ accountId, channels, collections, canManage, blockReason }: ChannelCardProps) {
  const refs = collections.map((c) => c.collection_reference);
  const websiteTaken = channels.some((c) => c.type === 'WEBSITE');
  return (
    <TableCard
      title="Channels"
      description="Where the merchant offers Klarna. At most one website per account; payment requests name the channel when there are several."
      action={
        canManage && (
          <ChannelDialog
            accountId={accountId}
            collections={refs}
            websiteTaken={websiteTaken}
            disabledReason={blockReason}
          />
        )
      }
      note={canManage && blockReason}
      caption="Channels"
      columns={['Type', 'Name', 'Where', 'Collection']}
      rowActions={canManage}
      isEmpty={channels.length === 0}
      empty="No channels. Every account needs at least one: add a website, store or app."
    >
      {channels.map((c) => (
        <tr key={c.channel_id}>
          <Td className="whitespace-nowrap">{channelTypeLabel(c.type)}</Td>
          <Td>
            <div>{c.name || <span className="text-muted-foreground">No name</span>}</div>
            <MiddleEllipsis value={c.channel_id} copyLabel="channel id" className="text-muted-foreground" />
          </Td>
          <Td className="text-xs">
            <ChannelWhere channel={c} />
          </Td>
          <Td className="font-mono text-xs">
            {c.collection_reference || <span className="font-sans text-muted-foreground">None</span>}
          </Td>
          {canManage && (
            <RowActions>
              <ChannelDialog
                accountId={accountId}
                channel={channelValues(c)}
                collections={refs}
                websiteTaken={websiteTaken}
                disabledReason={blockReason}
              />
              <DeleteChannelButton
                accountId={accountId}
                channelId={c.channel_id}
                label={channelLabel(c)}
                last={channels.length === 1}
                disabledReason={blockReason}
              />
            </RowActions>
          )}
        </tr>
      ))}
    </TableCard>
  );
}

function ChannelWhere({ channel }: { channel: Channel }) {
  const links =
    channel.type === 'WEBSITE'
      ? (channel.urls ?? [])
      : channel.type === 'MOBILE_APP'
        ? (channel.app_store_urls ?? [])
        : [];
  if (channel.type === 'PHYSICAL_STORE') return <AddressLines value={channel.address} />;
  if (!links.length)
    return <span className="text-muted-foreground">{channel.type === 'MOBILE_APP' ? 'No store links' : '—'}</span>;
  return (
    <ul className="grid gap-0.5">
      {links.map((url) => (
        <li key={url} className="max-w-72 truncate font-mono" title={url}>
          {url}
        </li>
      ))}
    </ul>
  );
}
