import { createHash } from 'node:crypto';
import { feeFor, netAmountOf, settlementCsvHeaderOf, settlementCsvLineOf, type SettlementLine } from '@/lib/klarna/schemas/settlements';
import { parseSettlementFile as current } from '@/lib/settlements/parse';
import { parseSettlementFile as old } from '@/lib/settlements/parse-old.tmp';
const csvLine = settlementCsvLineOf('seed');
const uuid = (t: string) => { const h = createHash('md5').update(t).digest('hex'); return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`; };
const N = 200_000;
let text = settlementCsvHeaderOf('seed');
for (let n = 1; n <= N; n++) {
  const g = Math.floor((n - 1) / 5); const refund = n % 5 === 0; const amount = 1000 + ((n * 7919) % 500000);
  const rate = { fixed: 100 + (g % 50), variable: 1_000_000 + (g % 7) * 100_000, tax: { fixed: 0, variable: 25_000_000 } };
  const { fee, tax } = refund ? { fee: 0, tax: 0 } : feeFor(amount, rate);
  const at = new Date(Date.UTC(2026, 10, 1) + n * 800).toISOString();
  const l: SettlementLine = { captured_at: at, created_at: at, payment_transaction_created_at: at, payment_transaction_id: uuid(`tx${g}`), klarna_reference: `K${g}`, payment_capture_id: refund ? null : uuid(`c${n}`), merchant_reference: `order-${g}`, payment_transaction_reference: `pay-${g}`, amount, 'payment_pricing_details.price_plan_id': 'krn:partner:global:pricing:payments:price-plan:171080e7-2637-4675-a224-ec032723ebdf', 'payment_pricing.rate.fixed': rate.fixed, 'payment_pricing.rate.variable': rate.variable, 'payment_pricing.rate.tax.variable': rate.tax.variable, 'payment_pricing.rate.tax.fixed': 0, discount_amount: 0, penalty_amount: 0, currency: 'EUR', payment_refund_id: refund ? uuid(`r${n}`) : null, payment_option_category: 'PAY_LATER', capture_reference: refund ? null : `ship-${n}`, refund_reference: refund ? `return-${n}` : null, dispute_id: null, account_id: `krn:partner:global:account:test:ACC${g % 2000}`, settlement_id: `KLNGLB-${at.slice(0, 10)}-EUR`, type: refund ? 'RETURN' : 'SALE', fee_amount: fee, tax_amount: tax, net_amount: 0 };
  text += csvLine({ ...l, net_amount: netAmountOf(l) });
}
const buf = Buffer.from(text);
function* chunks() { for (let i = 0; i < buf.length; i += 1 << 20) yield buf.subarray(i, i + (1 << 20)); }
for (let run = 0; run < 6; run++) { const parseSettlementFile = run % 2 ? old : current; process.stdout.write(run % 2 ? 'old ' : 'new ');
  const t = performance.now(); const c0 = process.cpuUsage(); let q = 0; let n = 0;
  await parseSettlementFile(chunks(), { lines: async (b) => { n += b.count; }, quarantine: async (b) => { q += b.length; } }, { importId: '00000000-0000-4000-8000-000000000000' });
  console.log(`${((performance.now() - t) / 1000).toFixed(2)} s wall, ${((process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1e6).toFixed(2)} s cpu, ${n} lines, ${q} quarantined`);
}
