import type { Metadata } from 'next';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Badge } from '@/components/ui/badge';
import { PageHeader } from '@/components/shell/page-header';
import { pageContext } from '@/lib/auth/page';
import { roleDescriptions, roleLabels } from '@/lib/auth/roles';
import { listOwnSessions } from '@/lib/auth/sessions';
import { formatDateTime } from '@/lib/ui/format';
import { ChangePasswordForm } from './_components/change-password-form';
import { SessionsSection } from './_components/sessions-section';
import { TwoStepSection } from './_components/two-step-section';

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage() {
  const { ctx } = await pageContext('account.manage-own');
  const { actor } = ctx;
  const sessions = (await listOwnSessions(ctx)).map((s) => ({
    id: s.id,
    current: s.current,
    device: s.device,
    ip: s.ip,
    signedInAt: formatDateTime(s.createdAt),
    lastSeenAt: formatDateTime(s.lastSeenAt),
  }));
  return (
    <>
      <PageHeader title="Your account" description={`${actor.name} · ${actor.email}`} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Role" />
          <CardBody className="grid gap-1 text-sm">
            <p className="font-medium">{roleLabels[actor.role]}</p>
            <p className="text-muted-foreground">{roleDescriptions[actor.role]}. Only an admin can change it.</p>
          </CardBody>
        </Card>
        <Card>
          <CardHeader
            title="Two-step sign-in"
            description="A 6-digit code from an authenticator app, asked for after your password."
            actions={actor.totpEnabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
          />
          <CardBody>
            <TwoStepSection enabled={actor.totpEnabled} />
          </CardBody>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader
            title="Active sessions"
            description="Browsers signed in as you, this one first. Sessions end 8 hours after sign-in."
          />
          <CardBody>
            <SessionsSection sessions={sessions} />
          </CardBody>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader title="Password" description="Changing it signs you out everywhere, this browser included." />
          <CardBody>
            <ChangePasswordForm />
          </CardBody>
        </Card>
      </div>
    </>
  );
}
