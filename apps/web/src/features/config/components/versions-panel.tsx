/** Config versions, newest first; the diff of a chosen version against its predecessor; rollback for operators. */
import { useState } from 'react';
import { AsyncContent, NoData } from '../../../components/ui/async-content.tsx';
import { RoleGate } from '../../../components/ui/role-gate.tsx';
import { formatDateTime } from '../../../lib/format.ts';
import { describeError } from '../../../lib/http-client.ts';
import { useAsync } from '../../../lib/use-async.ts';
import { fetchVersionDiff, fetchVersions, rollbackToVersion } from '../api/config-api.ts';

function show(value: unknown): string {
  return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

export function VersionsPanel({ selected, onSelect, onRolledBack }: { selected: number | null; onSelect: (id: number | null) => void; onRolledBack: () => void }) {
  const versions = useAsync((signal) => fetchVersions(signal), []);
  const diff = useAsync((signal) => (selected === null ? Promise.resolve(null) : fetchVersionDiff(selected, signal)), [selected]);
  const [message, setMessage] = useState<string | null>(null);

  async function rollback(id: number) {
    if (!window.confirm(`Apply version ${id} again as a new version?`)) return;
    try {
      const answer = await rollbackToVersion(id, `rollback to version ${id}`);
      setMessage(`Rolled back: now version ${answer.version.id}.`);
      versions.reload();
      onRolledBack();
    } catch (error) {
      setMessage(`Rollback refused: ${describeError(error)}`);
    }
  }

  return (
    <div className="versions" data-testid="config-versions">
      {message ? <p className="notice">{message}</p> : null}
      <AsyncContent state={versions} isEmpty={(list) => list.items.length === 0} emptyText="No config versions yet.">
        {(list) => (
          <table className="grid">
            <thead>
              <tr>
                <th className="num">Version</th>
                <th>When</th>
                <th>Author</th>
                <th>Source</th>
                <th>Comment</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.items.map((version) => (
                <tr key={version.id} className={version.id === selected ? 'selected' : undefined}>
                  <td className="num">
                    {version.id}
                    {version.id === list.current ? ' (current)' : ''}
                  </td>
                  <td className="mono">{formatDateTime(version.createdAt)}</td>
                  <td>{version.author}</td>
                  <td>{version.source}</td>
                  <td>{version.comment}</td>
                  <td className="row-actions">
                    <button type="button" onClick={() => onSelect(version.id === selected ? null : version.id)}>
                      Diff
                    </button>
                    {version.id !== list.current ? (
                      <RoleGate role="operator">
                        <button type="button" onClick={() => void rollback(version.id)}>
                          Roll back to this
                        </button>
                      </RoleGate>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </AsyncContent>
      {selected !== null ? (
        <AsyncContent state={diff}>
          {(answer) =>
            answer === null || answer.changes.length === 0 ? (
              <NoData text="No changes against the previous version." />
            ) : (
              <table className="grid diff" data-testid="config-diff">
                <caption>
                  Changes from version {answer.from} to {answer.to}
                </caption>
                <thead>
                  <tr>
                    <th>Field</th>
                    <th>Change</th>
                    <th>Before</th>
                    <th>After</th>
                  </tr>
                </thead>
                <tbody>
                  {answer.changes.map((change, index) => (
                    <tr key={index} className={`diff-${change.kind}`}>
                      <td className="mono">{change.path}</td>
                      <td>{change.kind}</td>
                      <td className="mono diff-before">{show(change.before)}</td>
                      <td className="mono diff-after">{show(change.after)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </AsyncContent>
      ) : null}
    </div>
  );
}
