import { useReadiness } from './use-readiness';

const LABELS = { postgres: 'Database', redis: 'Redis', migrations: 'Schema' } as const;

export function SystemStatus() {
  const state = useReadiness();

  if (state.kind === 'loading') return <p aria-live="polite">Checking the service…</p>;
  if (state.kind === 'error')
    return (
      <p role="alert" className="status status--down">
        {state.message}
      </p>
    );

  const { readiness } = state;
  return (
    <section aria-labelledby="status-title">
      <h2 id="status-title">
        Service status:{' '}
        <span className={`status status--${readiness.status === 'ready' ? 'up' : 'down'}`}>
          {readiness.status === 'ready' ? 'ready' : 'not ready'}
        </span>
      </h2>
      <ul className="checks">
        {readiness.checks.map((check) => (
          <li key={check.name}>
            <span className={`dot dot--${check.status}`} aria-hidden="true" />
            {LABELS[check.name]}: {check.status}
            {check.detail ? <span className="detail"> — {check.detail}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
