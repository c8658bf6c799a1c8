import { SystemStatus } from '../features/status/SystemStatus';

export function App() {
  return (
    <div className="shell">
      <header className="shell__header">
        <span className="brand">Baton</span>
        <span className="tagline">Agent helpdesk</span>
      </header>
      <main className="shell__main">
        <h1>Welcome to Baton</h1>
        <p>The inbox, supervisor wall and admin console open here once you sign in.</p>
        <SystemStatus />
      </main>
    </div>
  );
}
