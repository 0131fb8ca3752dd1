import { describe, expect, it } from 'vitest';
import { Faults } from './faults';

describe('scripted faults', () => {
  it('meets the next N requests of one operation on one path with the fault, then lets them through', () => {
    const faults = new Faults({}, () => 0.5);
    faults.addRule({ operation: 'paymentTransactions.capture', path_contains: 'tx-1', fault: 'error-after', times: 2 });
    expect(faults.decide('paymentTransactions.capture', '/v2/accounts/a/payment/transactions/tx-2/captures')).toBe(
      'none',
    );
    expect(faults.decide('paymentTransactions.get', '/v2/accounts/a/payment/transactions/tx-1')).toBe('none');
    expect(faults.decide('paymentTransactions.capture', '/v2/accounts/a/payment/transactions/tx-1/captures')).toBe(
      'error-after',
    );
    expect(faults.get().rules).toEqual([expect.objectContaining({ times: 1 })]);
    expect(faults.decide('paymentTransactions.capture', '/v2/accounts/a/payment/transactions/tx-1/captures')).toBe(
      'error-after',
    );
    expect(faults.decide('paymentTransactions.capture', '/v2/accounts/a/payment/transactions/tx-1/captures')).toBe(
      'none',
    );
    expect(faults.get().rules).toEqual([]);
  });

  it('takes rules in order, before the random rates', () => {
    const faults = new Faults({ error_rate: 1 }, () => 0.9);
    faults.addRule({ operation: 'paymentTransactions.void', fault: 'drop', times: 1 });
    faults.addRule({ operation: 'paymentTransactions.void', fault: 'error-before', times: 1 });
    expect(faults.decide('paymentTransactions.void', '/x')).toBe('drop');
    expect(faults.decide('paymentTransactions.void', '/x')).toBe('error-before');
    expect(faults.decide('paymentTransactions.void', '/x')).toBe('error-after');
  });

  it('refuses a rule without an operation or with a fault it does not know', () => {
    const faults = new Faults();
    expect(() => faults.addRule({ operation: '', fault: 'drop', times: 1 })).toThrow();
    expect(() => faults.addRule({ operation: 'x', fault: 'explode' as 'drop', times: 1 })).toThrow();
  });
});
