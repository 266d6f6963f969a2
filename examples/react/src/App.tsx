/**
 * The page: one run's live progress, with a button that unmounts it (which cancels the
 * request, through the relay to the platform) and one that forgets the stored progress.
 *
 * Query parameters: `run` (default run_abc123; try run_failed).
 */
import { useState, version } from 'react';
import { RunProgress, storageKey } from './RunProgress.js';

const runId = new URLSearchParams(location.search).get('run') ?? 'run_abc123';

export function App() {
  const [shown, setShown] = useState(true);
  // A new key remounts RunProgress: a fresh stream from the first event.
  const [round, setRound] = useState(0);
  return (
    <main className="card">
      {shown ? <RunProgress key={round} runId={runId} /> : <p className="muted hidden-note" id="hidden">RunProgress is unmounted: its stream is closed.</p>}
      <footer className="controls">
        <button id="toggle" type="button" onClick={() => setShown((value) => !value)}>
          {shown ? 'Unmount the run view' : 'Mount it again (resumes)'}
        </button>
        <button
          id="restart"
          type="button"
          onClick={() => {
            localStorage.removeItem(storageKey(runId));
            setShown(true);
            setRound((value) => value + 1);
          }}
        >
          Stream it again
        </button>
        <span className="muted">
          React <span id="react-version">{version}</span>
        </span>
      </footer>
    </main>
  );
}
