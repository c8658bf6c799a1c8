import { Suspense, useEffect } from 'react';
import { useAuth, useSession } from '../auth/session';
import { Link, navigate, usePath } from '../lib/router';
import { IdleWarning } from './IdleWarning';
import { RouteErrorBoundary } from './RouteErrorBoundary';
import { allowed, routeOf, ROUTES, type AppRoute } from './routes';

const SECTIONS: { id: AppRoute['section']; label: string }[] = [
  { id: 'work', label: 'Work' },
  { id: 'admin', label: 'Administration' },
];

/** The signed-in frame: a menu of what this user may open, and the screen for the current path. */
export function Shell() {
  const session = useSession();
  const { signOut } = useAuth();
  const path = usePath();
  const permissions = session.user.permissions;
  const mine = ROUTES.filter((r) => allowed(r, permissions));
  const route = routeOf(path);

  // The bare address opens the first screen this user may use.
  const home = mine.find((r) => r.section !== 'me') ?? mine[0];
  const redirect = home && (path === '/' || path === '/index.html') ? home.path : null;
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);
  if (redirect) return null;

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell__header">
        <span className="brand">Baton</span>
        <span className="shell__user">
          <Link to="/account">{session.user.displayName}</Link>
          <button
            type="button"
            className="button button--ghost"
            onClick={() => void signOut('You signed out.')}
          >
            Sign out
          </button>
        </span>
      </header>
      <div className="shell__body">
        <nav className="shell__nav" aria-label="Main">
          {SECTIONS.map((section) => {
            const entries = mine.filter((r) => r.section === section.id);
            if (entries.length === 0) return null;
            return (
              <div key={section.id} className="nav-section">
                <h2 className="nav-section__title">{section.label}</h2>
                <ul>
                  {entries.map((r) => (
                    <li key={r.path}>
                      <Link to={r.path} aria-current={route === r ? 'page' : undefined}>
                        {r.label}
                      </Link>
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </nav>
        <main id="main" className="shell__main" tabIndex={-1}>
          {!route ? (
            <NotFound />
          ) : !allowed(route, permissions) ? (
            <NotAllowed route={route} />
          ) : (
            <RouteErrorBoundary key={route.path} label={route.label}>
              <Suspense fallback={<p className="muted">Loading…</p>}>
                <route.component />
              </Suspense>
            </RouteErrorBoundary>
          )}
        </main>
      </div>
      <IdleWarning timeoutSeconds={session.idleTimeoutSeconds} />
    </div>
  );
}

function NotAllowed({ route }: { route: AppRoute }) {
  return (
    <section className="notice-page" aria-labelledby="not-allowed">
      <h1 id="not-allowed">Not allowed</h1>
      <p>
        Your roles do not include access to <strong>{route.label}</strong>. Ask an administrator if you need
        it.
      </p>
      <Link to="/">Back to your start page</Link>
    </section>
  );
}

function NotFound() {
  return (
    <section className="notice-page">
      <h1>Page not found</h1>
      <Link to="/">Back to your start page</Link>
    </section>
  );
}
