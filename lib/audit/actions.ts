/**
 * Every audited action name, so the audit filter can list them and a typo is a type error.
 * Naming: `<area>.<verb>`.
 */
export const auditActions = [
  'auth.sign_in',
  'auth.sign_out',
  'auth.password_changed',
  'auth.totp_enabled',
  'auth.totp_disabled',
  'users.bootstrap_admin',
  'users.create',
  'users.change_role',
  'users.disable',
  'users.enable',
  'users.reset_password',
  'users.reset_totp',
  'credentials.add',
  'credentials.create',
  'credentials.activate',
  'credentials.rotate',
  'credentials.delete',
  'signing_keys.create',
  'signing_keys.rotate',
  'signing_keys.delete',
  'webhooks.create',
  'webhooks.update',
  'webhooks.delete',
  'webhooks.simulate',
  'webhook_events.reprocess',
  'sandbox.provision',
  'merchants.onboard',
  'merchants.sync',
  'merchants.update_account',
  'merchants.update_business_information',
  'merchants.disable_product',
  'merchants.enable_product',
  'merchants.create_channel',
  'merchants.update_channel',
  'merchants.delete_channel',
  'merchants.create_collection',
  'merchants.update_collection',
  'merchants.delete_collection',
  'merchants.open_portal',
  // A signed-in user tried something their role does not allow (refused by the server).
  'access.denied',
] as const;

export type AuditAction = (typeof auditActions)[number];
