import { describe, expect, it } from 'vitest';
import { ForbiddenError, UnauthenticatedError } from '@/lib/errors';
import { assertCan, type Actor } from './guard';
import { can, capabilities, roles, type Capability, type Role } from './roles';

// The whole matrix, written out: a change to who may do what must change this table too.
const expected: Record<Capability, Record<Role, boolean>> = {
  'dashboard.read': { viewer: true, operator: true, admin: true },
  'account.manage-own': { viewer: true, operator: true, admin: true },
  'payments.operate': { viewer: false, operator: true, admin: true },
  'users.manage': { viewer: false, operator: false, admin: true },
  'audit.read': { viewer: false, operator: false, admin: true },
  'credentials.manage': { viewer: false, operator: false, admin: true },
  'webhooks.manage': { viewer: false, operator: false, admin: true },
  'api-log.read': { viewer: false, operator: true, admin: true },
  'merchants.onboard': { viewer: false, operator: false, admin: true },
  'merchants.manage': { viewer: false, operator: true, admin: true },
  'merchants.portal': { viewer: false, operator: true, admin: true },
  'settlements.reconcile': { viewer: false, operator: true, admin: true },
  'cards.keys': { viewer: false, operator: false, admin: true },
  'cards.operate': { viewer: false, operator: true, admin: true },
  'cards.reveal': { viewer: false, operator: true, admin: true },
  'refunds.run': { viewer: false, operator: true, admin: true },
  'refunds.approve': { viewer: false, operator: true, admin: true },
};

const actor = (role: Role): Actor => ({
  id: '00000000-0000-4000-8000-000000000000',
  email: 'x@example.com',
  name: 'X',
  role,
  totpEnabled: false,
});

describe('role guard matrix', () => {
  it('covers every capability', () => {
    expect(Object.keys(expected).sort()).toEqual([...capabilities].sort());
  });

  for (const capability of capabilities) {
    for (const role of roles) {
      const allowed = expected[capability][role];
      it(`${role} ${allowed ? 'may' : 'may not'} ${capability}`, () => {
        expect(can(role, capability)).toBe(allowed);
        if (allowed) expect(() => assertCan(actor(role), capability)).not.toThrow();
        else expect(() => assertCan(actor(role), capability)).toThrow(ForbiddenError);
      });
    }
  }

  it('refuses every capability without a session', () => {
    for (const capability of capabilities) expect(() => assertCan(null, capability)).toThrow(UnauthenticatedError);
  });

  it('says which role is needed', () => {
    expect(() => assertCan(actor('viewer'), 'users.manage')).toThrow(
      'Your role (Viewer) may not manage users; it needs Admin.',
    );
  });
});
