import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SandboxClock } from '../clock';
import { ids } from './ids';
import type { SandboxData } from './types';

export type { SandboxData } from './types';

const STATE_FILE = 'state.json';
const SAVE_DEBOUNCE_MS = 100;
/** Finished deliveries kept for the control API; the oldest go first. */
const MAX_FINISHED_DELIVERIES = 10_000;
/** Deep links are kept this long after they expire (a late click still says "expired"), then forgotten. */
const DEEP_LINK_RETENTION_MS = 24 * 3600 * 1000;

export function emptyData(clock: SandboxClock): SandboxData {
  return {
    version: 1,
    partner: { account_id: ids.partnerAccount(), created_at: clock.iso() },
    clock_offset_ms: 0,
    credentials: {},
    signing_keys: {},
    webhooks: {},
    idempotency: {},
    deliveries: {},
    accounts: {},
    deep_links: {},
    payment_requests: {},
    confirmation_tokens: {},
    payment_transactions: {},
    settlements: {},
    settlement_adjustments: {},
    settled_operations: {},
    card_keys: {},
    card_promises: {},
    card_settlements: {},
    card_orders: {},
  };
}

/**
 * The sandbox's state: plain JSON in memory, written to `<dataDir>/state.json` (tmp file then
 * rename, so a crash never leaves half a file) a moment after each change and on close.
 * `dataDir: null` keeps everything in memory.
 */
export class SandboxStore {
  data: SandboxData;
  private saveTimer: NodeJS.Timeout | null = null;
  private saving: Promise<void> = Promise.resolve();
  private dirty = false;

  private constructor(
    readonly dataDir: string | null,
    private readonly clock: SandboxClock,
    data: SandboxData,
  ) {
    this.data = data;
  }

  /** Loads the state file if there is one (a corrupt file is moved aside and the state starts empty). */
  static async open(dataDir: string | null, clock: SandboxClock): Promise<SandboxStore> {
    if (!dataDir) return new SandboxStore(null, clock, emptyData(clock));
    await mkdir(dataDir, { recursive: true });
    const file = path.join(dataDir, STATE_FILE);
    let text: string | null = null;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text === null) return new SandboxStore(dataDir, clock, emptyData(clock));
    try {
      const loaded = JSON.parse(text) as Partial<SandboxData>;
      if (loaded.version !== 1 || !loaded.partner?.account_id) throw new Error('not a sandbox state file (version 1)');
      clock.reset(loaded.clock_offset_ms ?? 0);
      // Collections added after the file was written start empty.
      return new SandboxStore(dataDir, clock, { ...emptyData(clock), ...loaded } as SandboxData);
    } catch (error) {
      const aside = `${file}.corrupt-${Date.now()}`;
      await rename(file, aside);
      console.warn(
        `sandbox: could not read ${file} (${(error as Error).message}); moved it to ${aside} and started empty`,
      );
      return new SandboxStore(dataDir, clock, emptyData(clock));
    }
  }

  get partnerAccountId(): string {
    return this.data.partner.account_id;
  }

  /** Marks the state changed; it is written shortly after. */
  changed(): void {
    if (!this.dataDir) return;
    this.dirty = true;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.flush().catch((error) => console.error('sandbox: saving state failed', error));
    }, SAVE_DEBOUNCE_MS);
    this.saveTimer.unref();
  }

  /** Writes the state now if it changed (waits for a write already under way). */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = null;
    }
    const next = this.saving.then(async () => {
      if (!this.dataDir || !this.dirty) return;
      this.dirty = false;
      this.prune();
      this.data.clock_offset_ms = this.clock.offset;
      const file = path.join(this.dataDir, STATE_FILE);
      const tmp = `${file}.tmp-${process.pid}`;
      await writeFile(tmp, JSON.stringify(this.data));
      await rename(tmp, file);
    });
    this.saving = next.catch(() => undefined);
    return next;
  }

  /** Forgets everything (a new partner account id too) and sets the clock back to real time. */
  reset(): void {
    this.clock.reset(0);
    this.data = emptyData(this.clock);
    this.dirty = true;
    this.changed();
  }

  /** Drops expired idempotency records, long-expired deep links and the oldest finished deliveries beyond the cap. */
  prune(): void {
    const now = this.clock.nowMs();
    for (const [key, record] of Object.entries(this.data.idempotency)) {
      if (record.expires_at_ms <= now) delete this.data.idempotency[key];
    }
    for (const [token, link] of Object.entries(this.data.deep_links)) {
      if (link.expires_at_ms + DEEP_LINK_RETENTION_MS <= now) delete this.data.deep_links[token];
    }
    const finished = Object.values(this.data.deliveries).filter((d) => d.state === 'delivered' || d.state === 'failed');
    for (const delivery of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_DELIVERIES))) {
      delete this.data.deliveries[delivery.delivery_id];
    }
  }
}
