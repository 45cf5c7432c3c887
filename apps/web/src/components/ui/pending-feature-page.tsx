/** The honest page of a view whose engine support has not landed: no fake data. */
export function PendingFeaturePage({ title, description, arrivesWith }: { title: string; description: string; arrivesWith: string }) {
  return (
    <div className="page pending-feature" data-testid="pending-feature">
      <h1>{title}</h1>
      <p>{description}</p>
      <p className="no-data">
        This view arrives with its issue ({arrivesWith}). Until then it shows nothing rather than invented data.
      </p>
    </div>
  );
}
