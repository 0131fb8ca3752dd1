import type { Metadata } from 'next';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { ActionsTh, Table, Td, Th } from '@/components/ui/table';
import { Forbidden } from '@/components/shell/forbidden';
import { PageHeader } from '@/components/shell/page-header';
import { pageContext } from '@/lib/auth/page';
import { roleLabels } from '@/lib/auth/roles';
import { formatDateTime } from '@/lib/ui/format';
import { listUsers } from '@/lib/users/service';
import { InviteUserDialog } from './_components/invite-user-dialog';
import { UserRowActions } from './_components/user-row-actions';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const { ctx, denied } = await pageContext('users.manage');
  const { actor } = ctx;
  if (denied) return <Forbidden message={denied} />;
  const users = await listUsers(ctx);
  return (
    <>
      <PageHeader
        title="Users"
        description="Who can sign in, and what they may do. Admins manage everything; operators run payment operations; viewers can only look."
        actions={<InviteUserDialog />}
      />
      <Card>
        <Table caption="Users">
          <thead>
            <tr>
              <Th>Name</Th>
              <Th>Role</Th>
              <Th>Status</Th>
              <Th>Two-step</Th>
              <Th>Last sign-in (UTC)</Th>
              <ActionsTh className="text-right" />
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id} data-testid={`user-row-${user.email}`}>
                <Td>
                  <div className="font-medium">
                    {user.name}
                    {user.id === actor.id && <span className="ml-2 text-xs text-muted-foreground">(you)</span>}
                  </div>
                  <div className="text-xs text-muted-foreground">{user.email}</div>
                </Td>
                <Td>{roleLabels[user.role]}</Td>
                <Td>
                  {user.disabled ? (
                    <Badge tone="danger">Disabled</Badge>
                  ) : user.mustChangePassword ? (
                    <Badge tone="warning">Must set password</Badge>
                  ) : (
                    <Badge tone="success">Active</Badge>
                  )}
                </Td>
                <Td>
                  {user.totpEnabled ? (
                    <Badge tone="success">On</Badge>
                  ) : (
                    <span className="text-muted-foreground">Off</span>
                  )}
                </Td>
                <Td className="whitespace-nowrap text-muted-foreground">
                  {user.lastSignInAt ? formatDateTime(user.lastSignInAt) : 'Never'}
                </Td>
                <Td className="text-right">
                  <UserRowActions user={user} isSelf={user.id === actor.id} />
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      </Card>
    </>
  );
}
