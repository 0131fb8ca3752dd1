import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** The raw RSA private operation (RSA_NO_PADDING) spread over worker threads: 4096 bits take ~7 ms, so 1,000
 * cards take 7 s on one core. Workers do only the native call (decoding stays in crypto.ts), with an inline
 * source using node:crypto only, and answer `null` for a ciphertext OpenSSL refuses, never the reason. */

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createPrivateKey, privateDecrypt, constants } = require('node:crypto');
let cached = { pem: null, key: null };
parentPort.on('message', ({ id, pem, ciphertexts }) => {
  if (cached.pem !== pem) cached = { pem, key: createPrivateKey(pem) };
  const out = ciphertexts.map((c) => {
    try {
      return privateDecrypt({ key: cached.key, padding: constants.RSA_NO_PADDING }, Buffer.from(c));
    } catch {
      return null;
    }
  });
  parentPort.postMessage({ id, results: out });
});
`;

type Job = { resolve: (results: (Uint8Array | null)[]) => void; reject: (error: Error) => void };

class RsaPool {
  private readonly workers: (Worker | undefined)[] = [];
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;

  constructor(readonly size: number) {}

  private worker(index: number): Worker {
    let worker = this.workers[index];
    if (!worker) {
      const created = new Worker(WORKER_SOURCE, { eval: true });
      created.on('message', ({ id, results }: { id: number; results: (Uint8Array | null)[] }) => {
        const job = this.jobs.get(id);
        this.jobs.delete(id);
        // An idle pool never keeps the process alive.
        if (this.jobs.size === 0) for (const w of this.workers) w?.unref();
        job?.resolve(results);
      });
      created.on('error', (error) => this.fail(index, error));
      created.on('exit', () => {
        if (this.workers[index] === created) this.workers[index] = undefined;
      });
      this.workers[index] = worker = created;
    }
    return worker;
  }

  private fail(index: number, error: Error) {
    this.workers[index] = undefined;
    for (const [id, job] of this.jobs) {
      this.jobs.delete(id);
      job.reject(error);
    }
  }

  run(index: number, pem: string, ciphertexts: Uint8Array[]): Promise<(Uint8Array | null)[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      const worker = this.worker(index % this.size);
      worker.ref();
      worker.postMessage({ id, pem, ciphertexts });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w?.terminate()));
    this.workers.length = 0;
  }
}

const globalForPool = globalThis as unknown as { __cardsRsaPool?: RsaPool };

function pool(): RsaPool {
  globalForPool.__cardsRsaPool ??= new RsaPool(Math.max(1, Math.min(4, availableParallelism())));
  return globalForPool.__cardsRsaPool;
}

/** Below this many ciphertexts the calling thread does the work (a worker's start costs more). */
const INLINE_BELOW = 8;

/** `privateDecrypt(RSA_NO_PADDING)` of each ciphertext, in order; `null` where OpenSSL refused one. */
export async function rawRsaDecryptMany(
  pem: string,
  ciphertexts: Uint8Array[],
  inline: (ciphertext: Uint8Array) => Uint8Array | null,
): Promise<(Uint8Array | null)[]> {
  if (ciphertexts.length < INLINE_BELOW) return ciphertexts.map(inline);
  const p = pool();
  const chunk = Math.ceil(ciphertexts.length / p.size);
  const parts: Promise<(Uint8Array | null)[]>[] = [];
  for (let i = 0; i * chunk < ciphertexts.length; i++) {
    parts.push(p.run(i, pem, ciphertexts.slice(i * chunk, (i + 1) * chunk)));
  }
  return (await Promise.all(parts)).flat();
}

/** Stops the workers (tests and benchmarks; the process never needs to). */
export async function closeRsaPool(): Promise<void> {
  await globalForPool.__cardsRsaPool?.close();
  globalForPool.__cardsRsaPool = undefined;
}
