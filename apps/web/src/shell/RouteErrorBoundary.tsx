import { Component, type ReactNode } from 'react';
import { isChunkLoadError } from './route-error';

interface Props {
  /** The screen's name, for the message ("Queues could not be shown"). */
  label: string;
  children: ReactNode;
}

interface State {
  error: unknown;
}

/**
 * Keeps a failing screen from blanking the whole app: the menu stays, and the screen says what went
 * wrong with a way out. A screen whose code failed to download offers a page reload (the failed
 * import is cached, so retrying in place cannot help); any other error offers to draw the screen again.
 * The shell keys it by route, so opening another screen starts afresh.
 */
export class RouteErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (error === null) return this.props.children;
    if (isChunkLoadError(error)) {
      return (
        <section className="notice-page" role="alert" aria-labelledby="route-error">
          <h1 id="route-error">{this.props.label} could not be loaded</h1>
          <p>
            This screen could not be downloaded: the connection dropped, or Baton was updated since this page
            was opened. Reloading the page fetches the current version.
          </p>
          <button type="button" className="button button--primary" onClick={() => window.location.reload()}>
            Reload the page
          </button>
        </section>
      );
    }
    return (
      <section className="notice-page" role="alert" aria-labelledby="route-error">
        <h1 id="route-error">{this.props.label} could not be shown</h1>
        <p>Something went wrong while showing this screen. Your other screens are not affected.</p>
        <p className="muted">{error instanceof Error ? error.message : String(error)}</p>
        <button
          type="button"
          className="button button--primary"
          onClick={() => this.setState({ error: null })}
        >
          Try again
        </button>
      </section>
    );
  }
}
