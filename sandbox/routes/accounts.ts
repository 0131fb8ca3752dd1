import { z } from 'zod';
import {
  ACCOUNT_LIST_MAX,
  accountUpdateRequestSchema,
  businessInformationUpdateSchema,
  onboardRequestSchema,
} from '../../lib/klarna/schemas/accounts';
import { parseWith, sandboxErrors } from '../errors';
import { distributionProfiles, pricePlans, settlementConfigurations } from '../state/account-config';
import {
  changeProductState,
  createAccount,
  getAccountOrThrow,
  publicAccount,
  publicBusinessInformation,
  publicProduct,
  requireManageable,
} from '../state/accounts';
import type { RouteGroup } from './types';

type ParameterError = { parameter: string; error_message: string };

const DEFAULT_LIST_LIMIT = 50;
// The client sends `{}` for the product actions; accept that or no body.
const productActionSchema = z.strictObject({});

/** Seed, "Onboard and manage merchants" and "Step 3": onboarding, accounts, business information, the payment product. */
export const accountsRoutes: RouteGroup = {
  'accounts.onboard': ({ sandbox, body }) => {
    const input = parseWith(onboardRequestSchema, body);
    // References the schema cannot check. account_reference is not unique: the seed's franchise example reuses one.
    const errors: ParameterError[] = [];
    input.products.forEach((product, i) => {
      const id = product.distribution_profile_id;
      if (id !== undefined && !distributionProfiles.some((p) => p.distribution_profile_id === id)) {
        errors.push({
          parameter: `products[${i}].distribution_profile_id`,
          error_message: `no distribution profile ${id} is assigned to this partner`,
        });
      }
    });
    const settlementId = input.settlement_configuration_id;
    if (
      settlementId !== undefined &&
      !settlementConfigurations.some((s) => s.settlement_configuration_id === settlementId)
    ) {
      errors.push({
        parameter: 'settlement_configuration_id',
        error_message: `no settlement configuration ${settlementId} is assigned to this partner`,
      });
    }
    for (const key of ['websites', 'physical-stores', 'mobile-apps'] as const) {
      (input.channel[key] ?? []).forEach((channel, i) => {
        if (channel.collection_reference !== undefined) {
          errors.push({
            parameter: `channel.${key}[${i}].collection_reference`,
            error_message:
              'a new account has no channel collections yet: create the channel collection after onboarding, then assign it',
          });
        }
      });
    }
    if (errors.length) throw sandboxErrors.validation(errors);
    const account = createAccount(sandbox, input, { onboardedBy: sandbox.store.partnerAccountId });
    return { status: 200, body: { account_id: account.account_id } };
  },

  'accounts.list': ({ sandbox, query }) => {
    const errors: ParameterError[] = [];
    let limit = DEFAULT_LIST_LIMIT;
    const rawLimit = query.get('limit');
    if (rawLimit !== null) {
      limit = /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : NaN;
      if (!(limit >= 1 && limit <= ACCOUNT_LIST_MAX))
        errors.push({ parameter: 'limit', error_message: `must be a whole number from 1 to ${ACCOUNT_LIST_MAX}` });
    }
    const own = Object.values(sandbox.store.data.accounts).filter(
      (a) => a.onboarded_by === sandbox.store.partnerAccountId,
    );
    let start = 0;
    const startingAfter = query.get('starting_after');
    if (startingAfter !== null) {
      const index = own.findIndex((a) => a.account_id === startingAfter);
      if (index < 0)
        errors.push({
          parameter: 'starting_after',
          error_message: 'must be the account_id of an account of this partner (the last one of the previous page)',
        });
      start = index + 1;
    }
    if (errors.length) throw sandboxErrors.validation(errors);
    const page = own.slice(start, start + limit);
    return { status: 200, body: { accounts: page.map(publicAccount), has_more: start + limit < own.length } };
  },

  'accounts.get': ({ sandbox, params }) => ({
    status: 200,
    body: publicAccount(getAccountOrThrow(sandbox, params.account_id!)),
  }),

  'accounts.update': ({ sandbox, params, body }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    requireManageable(account);
    const input = parseWith(accountUpdateRequestSchema, body);
    if (input.account_reference !== undefined) account.account_reference = input.account_reference;
    if (input.account_name !== undefined) account.account_name = input.account_name;
    // The owner is merged field by field: a PATCH naming only the phone keeps the rest.
    for (const [field, value] of Object.entries(input.account_owner ?? {})) {
      if (value !== undefined) account.account_owner[field as keyof typeof account.account_owner] = value;
    }
    account.updated_at = sandbox.clock.iso();
    sandbox.store.changed();
    return { status: 200, body: publicAccount(account) };
  },

  'businessInformation.get': ({ sandbox, params }) => ({
    status: 200,
    body: publicBusinessInformation(getAccountOrThrow(sandbox, params.account_id!).business_information),
  }),

  'businessInformation.update': ({ sandbox, params, body }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    requireManageable(account);
    const input = parseWith(businessInformationUpdateSchema, body);
    const given = Object.entries(input).filter(([, value]) => value !== undefined);
    if (!given.length) throw sandboxErrors.validation([{ parameter: 'body', error_message: 'nothing to update' }]);
    // Top-level fields are replaced; an address is replaced whole, not merged.
    Object.assign(account.business_information, Object.fromEntries(given));
    account.updated_at = sandbox.clock.iso();
    sandbox.store.changed();
    return { status: 200, body: publicBusinessInformation(account.business_information) };
  },

  'paymentProduct.disable': ({ sandbox, params, body }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    requireManageable(account);
    parseWith(productActionSchema, body);
    const product = account.product;
    if (product.state === 'TERMINATED') throw terminated(account.account_id);
    if (product.state === 'DISABLED') {
      throw sandboxErrors.conflict(
        `The payment product of account ${account.account_id} is already DISABLED${product.disabled_by === 'KLARNA' ? ' (by Klarna)' : ''}.`,
      );
    }
    changeProductState(sandbox, account, 'DISABLED', 'PARTNER');
    return { status: 200, body: publicProduct(product) };
  },

  'paymentProduct.enable': ({ sandbox, params, body }) => {
    const account = getAccountOrThrow(sandbox, params.account_id!);
    requireManageable(account);
    parseWith(productActionSchema, body);
    const product = account.product;
    if (product.state === 'TERMINATED') throw terminated(account.account_id);
    if (product.state === 'ENABLED')
      throw sandboxErrors.conflict(`The payment product of account ${account.account_id} is already ENABLED.`);
    if (product.disabled_by === 'KLARNA') {
      // Seed: a DISABLED product "can be reverted if you are the one that disabled it".
      throw sandboxErrors.conflict(
        `The payment product of account ${account.account_id} was disabled by Klarna; only Klarna can enable it.`,
      );
    }
    changeProductState(sandbox, account, 'ENABLED', 'PARTNER');
    return { status: 200, body: publicProduct(product) };
  },

  'pricePlans.list': () => ({ status: 200, body: { price_plans: pricePlans } }),
  'settlementConfigurations.list': () => ({
    status: 200,
    body: { settlement_configurations: settlementConfigurations },
  }),
  'distributionProfiles.list': () => ({ status: 200, body: { distribution_profiles: distributionProfiles } }),
};

function terminated(accountId: string) {
  return sandboxErrors.conflict(
    `The payment product of account ${accountId} was terminated by Klarna (TERMINATED); it can be neither enabled nor disabled.`,
  );
}
