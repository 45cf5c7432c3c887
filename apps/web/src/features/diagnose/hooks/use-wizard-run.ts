/**
 * A wizard run as the server judges it. Read once, then re-read when the
 * server streams a status change of one of its steps (`diagnose.wizard.step`
 * on the `diagnose` topic) and, while a started step still waits for
 * evidence, every couple of seconds. Starting a step answers with the run.
 */
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../../../lib/http-client.ts';
import { useStreamEvents } from '../../../lib/stream-context.tsx';
import { fetchWizardRun, startWizardStep, type WizardRun } from '../api/diagnose-api.ts';

const POLL_MS = 2000;
/** The server re-evaluates steps started within this window (its liveMs). */
const LIVE_WINDOW_MS = 15 * 60_000;

export interface WizardRunState {
  run: WizardRun | null;
  error: string | null;
  /** The step whose start request is in flight. */
  startingStep: string | null;
  startStep: (stepId: string) => Promise<void>;
  reload: () => void;
}

function waitsForEvidence(run: WizardRun, now: number): boolean {
  return run.steps.some((step) => step.startedAt !== null && step.status === 'not-verified' && now - step.startedAt < LIVE_WINDOW_MS);
}

export function useWizardRun(runId: string): WizardRunState {
  const [run, setRun] = useState<WizardRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [startingStep, setStartingStep] = useState<string | null>(null);

  const reload = useCallback(() => {
    fetchWizardRun(runId)
      .then((answer) => {
        setRun(answer);
        setError(null);
      })
      .catch((err: unknown) => setError(describeError(err)));
  }, [runId]);

  useEffect(() => {
    setRun(null);
    reload();
  }, [reload]);

  const polling = run !== null && waitsForEvidence(run, Date.now());
  useEffect(() => {
    if (!polling) return undefined;
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [polling, reload]);

  useStreamEvents('diagnose', { types: ['diagnose.wizard.step'] }, (event) => {
    if (event.event['runId'] === runId) reload();
  });

  const startStep = useCallback(
    async (stepId: string) => {
      setStartingStep(stepId);
      try {
        setRun(await startWizardStep(runId, stepId));
        setError(null);
      } catch (err) {
        setError(describeError(err));
      } finally {
        setStartingStep(null);
      }
    },
    [runId],
  );

  return { run, error, startingStep, startStep, reload };
}
