/**
 * A server with the real engine (EngineGateway over UDP) running the demo
 * lab's config, and the lab itself with short timers, on a loopback /24 of
 * the test's own (so test files can run side by side). The lab's default
 * mix is NOT started: each test starts the scenarios it needs.
 */
import { createLab, labHostPort, type Lab, type LabTiming } from '@tunnelscope/lab';
import { createCertificateService } from '../../../../src/engine-api.ts';
import { EngineGateway } from '../../../../src/plugins/app/engine-gateway.ts';
import { startTestServer, type TestServer } from '../../../support/harness.ts';

export const FAST_LAB_TIMING: Partial<LabTiming> = {
  retryIntervalMs: 2_000,
  staggerMs: 50,
  pfsRekeyDelayMs: 200,
  forgetStateAfterMs: 300,
  oneSidedDpdSeconds: 1,
  retransmit: { initialTimeoutMs: 200, backoff: 1.5, tries: 2 },
  stopGraceMs: 500,
};

export interface LabServer {
  t: TestServer;
  lab: Lab;
  /** Every pre-shared key of the demo config and the lab's peers. */
  secrets: string[];
  close(): Promise<void>;
}

export async function startLabServer(localAddress: string, portBase: number): Promise<LabServer> {
  const ikePort = portBase + (process.pid % 400) * 2;
  const lab = createLab({ localAddress, ikePort, natTPort: ikePort + 1000, timing: FAST_LAB_TIMING });
  // The lab's CA, DNS and PKI, as `pnpm start` prepares them: the certificate scenarios need them.
  await lab.prepare();
  const port = labHostPort(lab);
  const gateway = new EngineGateway({ createCertificates: createCertificateService });
  const t = await startTestServer({
    gateway: gateway as never,
    config: lab.demoConfig() as Record<string, unknown>,
    server: { lab: { ...port, start: async () => undefined } },
  });
  const detach = lab.attachLocalGateway(gateway);
  return {
    t,
    lab,
    secrets: port.control.secretValues(),
    async close() {
      detach();
      await t.close();
      await lab.close();
    },
  };
}

/** Polls (real time) until `probe` returns a value; fails naming what was awaited. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
