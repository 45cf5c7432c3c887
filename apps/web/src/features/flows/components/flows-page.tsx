import { PendingFeaturePage } from '../../../components/ui/pending-feature-page.tsx';

export function FlowsPage() {
  return (
    <PendingFeaturePage
      title="Flows"
      description="ESP and cleartext flows as `flow -show [-verbose]` lists them (SPIs in hex, reverse flows, timeouts), filterable by interface and tunnel."
      arrivesWith="the ESP data plane and flow table in the engine"
    />
  );
}
