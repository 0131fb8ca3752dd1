/** Roles and what each may do: pages use `can` to hide actions; the server enforces via `requireCapability`. */
export const roles = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof roles)[number];

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Each guarded capability and the least role that holds it. Add one line per new capability. */
export const capabilityMinRole = {
  /** See every dashboard page that is not admin-only. */
  'dashboard.read': 'viewer',
  /** Change one's own password and second factor. */
  'account.manage-own': 'viewer',
  /** Capture, refund, void and update payments; create payment links. */
  'payments.operate': 'operator',
  /** Create users, change roles, disable, reset passwords. */
  'users.manage': 'admin',
  'audit.read': 'admin',
  /** Klarna API credentials and signing keys. */
  'credentials.manage': 'admin',
  /** Klarna webhooks, signing keys, re-processing received events. */
  'webhooks.manage': 'admin',
  /** The log of every call made to Klarna (bodies redacted). */
  'api-log.read': 'operator',
  /** Onboard merchants to Klarna (the onboarding wizard and its drafts). */
  'merchants.onboard': 'admin',
  /** Change a merchant at Klarna: payment product, account and business details, channels, collections, sync. */
  'merchants.manage': 'operator',
  /** Open the Klarna portal for a merchant through a one-time deep link. */
  'merchants.portal': 'operator',
  /** Bring in settlement reports (upload or fetch from Klarna), re-run reconciliation, resolve verdicts. */
  'settlements.reconcile': 'operator',
  /** Virtual cards: generate, import, enrol and retire the RSA keys card data is encrypted for. */
  'cards.keys': 'admin',
  /** Virtual cards: create card promises and settlements, request an order's cancellation. */
  'cards.operate': 'operator',
  /** Virtual cards: reveal a card's full number and CVV (after a step-up). */
  'cards.reveal': 'operator',
  /** Upload a mass-refund file, confirm a batch below the four-eyes threshold, run and cancel batches. */
  'refunds.run': 'operator',
  /** Approve another person's mass-refund batch above the four-eyes threshold. */
  'refunds.approve': 'operator',
} as const satisfies Record<string, Role>;

export type Capability = keyof typeof capabilityMinRole;
export const capabilities = Object.keys(capabilityMinRole) as Capability[];

export function hasRole(role: Role, atLeast: Role): boolean {
  return rank[role] >= rank[atLeast];
}

export function can(role: Role, capability: Capability): boolean {
  return hasRole(role, capabilityMinRole[capability]);
}

/** How a refusal names the capability: "Your role (Viewer) may not manage users." */
export const capabilityPhrases: Record<Capability, string> = {
  'dashboard.read': 'view the dashboard',
  'account.manage-own': 'change account security settings',
  'payments.operate': 'operate payments',
  'users.manage': 'manage users',
  'audit.read': 'read the audit log',
  'credentials.manage': 'manage API credentials',
  'webhooks.manage': 'manage webhooks and signing keys',
  'api-log.read': 'read the API request log',
  'merchants.onboard': 'onboard merchants',
  'merchants.manage': 'change merchants at Klarna',
  'merchants.portal': 'open the Klarna portal for a merchant',
  'settlements.reconcile': 'import and reconcile settlements',
  'cards.keys': 'manage virtual card keys',
  'cards.operate': 'create card promises, settlements and cancellations',
  'cards.reveal': 'reveal a virtual card’s number',
  'refunds.run': 'upload and run mass refunds',
  'refunds.approve': 'approve mass refunds',
};

export const roleLabels: Record<Role, string> = { admin: 'Admin', operator: 'Operator', viewer: 'Viewer' };
export const roleDescriptions: Record<Role, string> = {
  admin: 'Everything, including users, audit log and API credentials',
  operator: 'Payment operations: capture, refund, void, payment links',
  viewer: 'Read-only access',
};
