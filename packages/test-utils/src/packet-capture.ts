/**
 * Records a test's packets with dumpcap running inside the test's network
 * namespace (so it sees exactly the namespace's loopback traffic).
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Netns } from './netns.ts';
import { delay, stopProcess } from './run-command.ts';

export interface CaptureOptions {
  netns: Netns;
  /** Interface inside the namespace; default 'lo'. */
  iface?: string;
  /** Capture (BPF) filter; default 'udp'. */
  filter?: string;
  /** Output file. */
  path: string;
  /** 'pcap' (default, what our fixtures use) or 'pcapng'. */
  format?: 'pcap' | 'pcapng';
  startTimeoutMs?: number;
  /** Milliseconds stop() waits before stopping dumpcap so the last packets reach the file; default 500. */
  drainMs?: number;
}

export interface RunningCapture {
  readonly path: string;
  readonly process: ChildProcess;
  /**
   * Waits `drainMs`, stops dumpcap (which flushes and closes the file) and
   * resolves with the path. Idempotent.
   */
  stop(): Promise<string>;
}

/**
 * Starts dumpcap and resolves once it reports that it is capturing. Rejects
 * with dumpcap's messages if it exits first or does not start in time.
 */
export async function capture(options: CaptureOptions): Promise<RunningCapture> {
  const args = ['-i', options.iface ?? 'lo', '-f', options.filter ?? 'udp', '-w', options.path, '-q'];
  if ((options.format ?? 'pcap') === 'pcap') args.unshift('-P');
  const child = options.netns.spawn('dumpcap', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const messages: string[] = [];
  const started = new Promise<void>((resolve, reject) => {
    if (!child.stderr) {
      reject(new Error('dumpcap has no stderr pipe'));
      return;
    }
    createInterface({ input: child.stderr }).on('line', (line) => {
      messages.push(line);
      if (line.startsWith('Capturing on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`dumpcap exited (code ${code}) before capturing:\n${messages.join('\n')}`)));
    child.once('error', reject);
    setTimeout(
      () => reject(new Error(`dumpcap did not start within ${options.startTimeoutMs ?? 10_000} ms:\n${messages.join('\n')}`)),
      options.startTimeoutMs ?? 10_000,
    ).unref();
  });
  try {
    await started;
  } catch (error) {
    await stopProcess(child, 'SIGKILL');
    throw error;
  }
  // "Capturing on" is printed as the capture opens; give the kernel filter a moment.
  await delay(150);
  let stopping: Promise<string> | undefined;
  return {
    path: options.path,
    process: child,
    stop: () => {
      // libpcap (TPACKET_V3) hands packets to dumpcap in blocks retired by a
      // timeout, and dumpcap drops an unretired block when it is stopped, so
      // packets from the last moments would be missing. Wait out the timeout.
      stopping ??= delay(options.drainMs ?? 500)
        .then(() => stopProcess(child, 'SIGTERM', 5000))
        .then(() => options.path);
      return stopping;
    },
  };
}
