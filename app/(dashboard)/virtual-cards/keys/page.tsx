import type { Metadata } from 'next';
import { DataTable, type DataTableColumn } from '@/components/data-table/data-table';
import { ListCard } from '@/components/lists/list-card';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { Badge } from '@/components/ui/badge';
import { pageContext } from '@/lib/auth/page';
import { listKeys } from '@/lib/cards/service';
import { formatDateTime } from '@/lib/ui/format';
import {
  EnrolKeyDialog,
  GenerateKeyDialog,
  ImportKeyDialog,
  PublicKeyButton,
  RetireKeyButton,
} from '../_components/key-dialogs';

export const metadata: Metadata = { title: 'Virtual card keys' };
export const dynamic = 'force-dynamic';

const columns: DataTableColumn[] = [
  { id: 'label', label: 'Name' },
  { id: 'status', label: 'Status' },
  { id: 'klarnaKeyId', label: 'Klarna key_id', className: 'font-mono text-xs', showFrom: '@xl' },
  { id: 'bits', label: 'Bits', className: 'text-right tabular-nums', showFrom: '@2xl' },
  { id: 'created', label: 'Created (UTC)', className: 'whitespace-nowrap', showFrom: '@3xl' },
  { id: 'actions', label: 'Actions', header: <span className="sr-only">Actions</span>, className: 'text-right' },
];

export default async function CardKeysPage() {
  const { ctx, denied } = await pageContext('cards.keys');
  if (denied) return <Forbidden message={denied} />;
  const keys = await listKeys(ctx);
  return (
    <>
      <PageHeader
        title="Virtual card keys"
        description="RSA keys Klarna encrypts card data for. The private key stays on this server, sealed; Klarna gets the public key (JWK) and names it by a key_id. Several keys may be active; a retired key is offered for no new settlement, and its cards can still be revealed."
        actions={
          <div className="flex flex-wrap gap-2">
            <GenerateKeyDialog />
            <ImportKeyDialog />
          </div>
        }
      />
      <ListCard isEmpty={keys.length === 0} empty="No keys yet: generate one (4096 bits) or import a PEM private key.">
        <DataTable
          caption="Virtual card keys, newest first"
          storageKey="card-keys"
          columns={columns}
          rows={keys.map((k) => ({
            id: k.id,
            cells: {
              label: k.label,
              status:
                k.status === 'retired' ? (
                  <Badge>Retired</Badge>
                ) : k.klarnaKeyId ? (
                  <Badge tone="success">Active</Badge>
                ) : (
                  <Badge tone="warning">Not enrolled</Badge>
                ),
              klarnaKeyId: k.klarnaKeyId ?? '—',
              bits: k.bits,
              created: formatDateTime(k.createdAt),
              actions: (
                <div className="flex flex-wrap justify-end gap-1">
                  <PublicKeyButton label={k.label} jwk={k.publicJwk} />
                  {k.status === 'active' && !k.klarnaKeyId && <EnrolKeyDialog cardKeyId={k.id} label={k.label} />}
                  {k.status === 'active' && <RetireKeyButton cardKeyId={k.id} label={k.label} />}
                </div>
              ),
            },
          }))}
        />
      </ListCard>
    </>
  );
}
