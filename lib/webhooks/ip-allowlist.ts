/** Klarna's callback source addresses per environment (seed, "Callbacks"). */
export const klarnaCallbackIps = {
  live: ['52.17.117.56', '52.17.176.198', '52.0.45.33', '52.0.46.187', '13.211.30.100', '3.104.49.49', '13.54.229.130'],
  test: [
    '34.242.203.160',
    '34.242.19.4',
    '52.45.47.152',
    '34.235.91.238',
    '3.24.91.202',
    '52.62.115.68',
    '52.63.129.92',
  ],
} as const;

/** `WEBHOOK_ALLOWED_IPS` as a set: null when off; `klarna` means the environment's callback IPs. */
export function webhookAllowlist(
  setting: string,
  environment: 'sandbox' | 'test' | 'live',
): ReadonlySet<string> | null {
  const value = setting.trim();
  if (value === 'off') return null;
  if (value === 'klarna') return new Set(environment === 'live' ? klarnaCallbackIps.live : klarnaCallbackIps.test);
  return new Set(
    value
      .split(',')
      .map((ip) => ip.trim())
      .filter(Boolean),
  );
}
