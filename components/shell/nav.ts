import {
  Activity,
  ArrowLeftRight,
  Inbox,
  CreditCard,
  FileSpreadsheet,
  KeyRound,
  LayoutDashboard,
  ScrollText,
  Store,
  Undo2,
  UserCog,
  Users,
  Webhook,
} from 'lucide-react';
import type { Capability } from '@/lib/auth/roles';

export type NavItem = { href: string; label: string; icon: typeof Store; capability: Capability };
export type NavGroup = { label?: string; items: NavItem[] };

/** The sidebar. Items the role cannot use are hidden; the pages check again on the server. */
export const navGroups: NavGroup[] = [
  {
    items: [
      { href: '/', label: 'Overview', icon: LayoutDashboard, capability: 'dashboard.read' },
      { href: '/merchants', label: 'Merchants', icon: Store, capability: 'dashboard.read' },
      { href: '/payments', label: 'Payments', icon: ArrowLeftRight, capability: 'dashboard.read' },
      { href: '/payments/refunds', label: 'Mass refunds', icon: Undo2, capability: 'dashboard.read' },
      { href: '/settlements', label: 'Settlements', icon: FileSpreadsheet, capability: 'dashboard.read' },
      { href: '/virtual-cards', label: 'Virtual cards', icon: CreditCard, capability: 'dashboard.read' },
    ],
  },
  {
    label: 'Webhooks',
    items: [
      { href: '/webhooks', label: 'Endpoints & keys', icon: Webhook, capability: 'dashboard.read' },
      { href: '/webhooks/events', label: 'Event log', icon: Inbox, capability: 'dashboard.read' },
    ],
  },
  {
    label: 'Developers',
    items: [{ href: '/developers/api-requests', label: 'API request log', icon: Activity, capability: 'api-log.read' }],
  },
  {
    label: 'Settings',
    items: [
      { href: '/settings/users', label: 'Users', icon: Users, capability: 'users.manage' },
      { href: '/settings/audit', label: 'Audit log', icon: ScrollText, capability: 'audit.read' },
      { href: '/settings/api-credentials', label: 'API credentials', icon: KeyRound, capability: 'credentials.manage' },
      { href: '/account', label: 'Your account', icon: UserCog, capability: 'account.manage-own' },
    ],
  },
];
