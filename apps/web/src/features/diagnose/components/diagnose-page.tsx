import { PendingFeaturePage } from '../../../components/ui/pending-feature-page.tsx';

export function DiagnosePage() {
  return (
    <PendingFeaturePage
      title="Diagnose"
      description="Findings for a failing tunnel (wrong tunnel selected, PSK type mismatch, proposal or network size mismatch), each citing the messages it is based on, and the guided wizards."
      arrivesWith="the diagnosis package and its REST endpoint"
    />
  );
}
