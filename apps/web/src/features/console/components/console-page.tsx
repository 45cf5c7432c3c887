/**
 * The firewall console: the seed's commands typed at `System:/> `, output
 * verbatim as the server's CLI returns it. Up/Down recall history, Tab
 * completes from the server, Ctrl+L clears. After `ike -snoop -brief` or
 * `-full` the console prints live snoop lines until `ike -snoop -off`.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { describeError } from '../../../lib/http-client.ts';
import { useStreamEvents } from '../../../lib/stream-context.tsx';
import { completeCommand, runCommand } from '../api/cli-api.ts';
import { useCommandHistory } from '../hooks/use-command-history.ts';

export const PROMPT = 'System:/> ';
const MAX_BLOCKS = 2000;

interface OutputBlock {
  id: number;
  kind: 'command' | 'output' | 'error' | 'snoop' | 'hint';
  text: string;
}

function commonPrefix(values: string[]): string {
  if (values.length === 0) return '';
  let prefix = values[0]!;
  for (const value of values.slice(1)) {
    while (!value.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

export function ConsolePage() {
  const [blocks, setBlocks] = useState<OutputBlock[]>([]);
  const [line, setLine] = useState('');
  const [busy, setBusy] = useState(false);
  const [following, setFollowing] = useState(false);
  const nextId = useRef(1);
  const input = useRef<HTMLInputElement>(null);
  const screen = useRef<HTMLDivElement>(null);
  const history = useCommandHistory();

  const print = (kind: OutputBlock['kind'], text: string) =>
    setBlocks((current) => [...current, { id: nextId.current++, kind, text }].slice(-MAX_BLOCKS));

  useEffect(() => {
    screen.current?.scrollTo({ top: screen.current.scrollHeight });
  }, [blocks]);

  useStreamEvents(
    'snoop',
    {},
    (event) => {
      if (event.type === 'snoop.message' && event.text !== null) print('snoop', event.text);
    },
    following,
  );

  async function submit() {
    const command = line.trim();
    print('command', `${PROMPT}${line}`);
    setLine('');
    if (command === '') return;
    history.record(command);
    if (command === 'clear' || command === 'cls') {
      setBlocks([]);
      return;
    }
    setBusy(true);
    try {
      const answer = await runCommand(command);
      print(answer.exitCode === 0 ? 'output' : 'error', answer.output);
      const words = command.split(/\s+/);
      if (answer.exitCode === 0 && words[0] === 'ike' && words.includes('-snoop')) setFollowing(!words.includes('-off'));
    } catch (error) {
      print('error', describeError(error));
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  }

  async function complete() {
    try {
      const completion = await completeCommand(line);
      if (completion === null) {
        print('hint', 'Tab completion is not offered by this server yet.');
        return;
      }
      const { candidates, replaceFrom } = completion;
      if (candidates.length === 0) return;
      const head = line.slice(0, replaceFrom);
      if (candidates.length === 1) {
        const only = candidates[0]!;
        setLine(`${head}${only}${only.endsWith('=') ? '' : ' '}`);
        return;
      }
      const shared = commonPrefix(candidates);
      if (shared.length > line.length - replaceFrom) setLine(`${head}${shared}`);
      else print('hint', candidates.join('  '));
    } catch (error) {
      print('error', describeError(error));
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter') {
      event.preventDefault();
      if (!busy) void submit();
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      const previous = history.older(line);
      if (previous !== undefined) setLine(previous);
    } else if (event.key === 'ArrowDown') {
      event.preventDefault();
      const next = history.newer();
      if (next !== undefined) setLine(next);
    } else if (event.key === 'Tab') {
      event.preventDefault();
      void complete();
    } else if (event.key === 'l' && event.ctrlKey) {
      event.preventDefault();
      setBlocks([]);
    } else if (event.key === 'c' && event.ctrlKey && following) {
      event.preventDefault();
      setFollowing(false);
      print('hint', '(stopped printing snoop lines here; the engine keeps snooping until ike -snoop -off)');
    }
  }

  return (
    <div className="page console-page" data-testid="console" onClick={() => input.current?.focus()}>
      <div className="console-screen" ref={screen} data-testid="console-output">
        {blocks.length === 0 ? (
          <pre className="console-block hint">Commands as on the firewall: ike -stat, ike -snoop -brief, ike -certshow -verbose, flow -show, help.</pre>
        ) : null}
        {blocks.map((block) => (
          <pre key={block.id} className={`console-block ${block.kind}`} data-kind={block.kind}>
            {block.text}
          </pre>
        ))}
        <div className="console-input-line">
          <span className="console-prompt">{PROMPT}</span>
          <input
            ref={input}
            value={line}
            onChange={(e) => {
              setLine(e.target.value);
              history.resetCursor();
            }}
            onKeyDown={onKeyDown}
            aria-label="Command"
            autoFocus
            spellCheck={false}
            autoComplete="off"
            disabled={busy}
            data-testid="console-input"
            data-shortcut-focus
          />
        </div>
      </div>
      {following ? <p className="muted small">Printing live snoop lines (Ctrl+C stops printing them here).</p> : null}
    </div>
  );
}
