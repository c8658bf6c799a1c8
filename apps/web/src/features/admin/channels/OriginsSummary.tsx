export function OriginsSummary({ origins }: { origins: readonly string[] }) {
  if (origins.length === 0) {
    return (
      <p className="alert alert--warn">
        No allowed sites: <strong>any website</strong> can embed this chat. List your sites&rsquo; origins to
        stop others from using it.
      </p>
    );
  }
  return (
    <div>
      <strong>Allowed sites</strong>
      <ul className="setup-list">
        {origins.map((origin) => (
          <li key={origin}>
            <code>{origin}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}
