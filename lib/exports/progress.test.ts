import { describe, expect, it } from 'vitest';
import { exportTracker, readExportProgress, trackedBody } from './progress';

const token = () => globalThis.crypto.randomUUID();
const request = (t: string | null) => new Request(`http://x/api/payments/export${t ? `?progress=${t}` : ''}`);

function source(chunks: string[], failAfter?: number) {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (failAfter !== undefined && i === failAfter) return controller.error(new Error('database gone'));
      if (i === chunks.length) return controller.close();
      controller.enqueue(new TextEncoder().encode(chunks[i++]));
    },
  });
}

describe('export progress', () => {
  it('counts an export’s rows under its token, for the person who started it only', async () => {
    const t = token();
    const tracker = exportTracker(request(t), 'user-a')!;
    expect(readExportProgress(t, 'user-a')).toEqual({ rows: 0, state: 'running' });
    tracker.rows(5000);
    tracker.rows(1234);
    expect(readExportProgress(t, 'user-a')).toEqual({ rows: 6234, state: 'running' });
    expect(readExportProgress(t, 'user-b')).toBeNull();
    expect(readExportProgress(token(), 'user-a')).toBeNull();
    const body = trackedBody(source(['a\r\n', 'b\r\n']), tracker);
    expect(await new Response(body).text()).toBe('a\r\nb\r\n');
    expect(readExportProgress(t, 'user-a')).toEqual({ rows: 6234, state: 'done' });
  });

  it('no token, or not a uuid: no tracker, the body untouched', () => {
    expect(exportTracker(request(null), 'user-a')).toBeNull();
    expect(exportTracker(request('../../etc'), 'user-a')).toBeNull();
    const body = source(['a']);
    expect(trackedBody(body, null)).toBe(body);
  });

  it('a failed export says failed, a download given up says cancelled, with the rows so far', async () => {
    const failed = token();
    const tracker = exportTracker(request(failed), 'user-a')!;
    tracker.rows(10);
    await expect(new Response(trackedBody(source(['a', 'b'], 1), tracker)).text()).rejects.toThrow();
    expect(readExportProgress(failed, 'user-a')).toEqual({ rows: 10, state: 'failed' });

    const stopped = token();
    const second = exportTracker(request(stopped), 'user-a')!;
    second.rows(3);
    const reader = trackedBody(source(['a', 'b', 'c']), second).getReader();
    await reader.read();
    await reader.cancel();
    expect(readExportProgress(stopped, 'user-a')).toEqual({ rows: 3, state: 'cancelled' });
  });
});
