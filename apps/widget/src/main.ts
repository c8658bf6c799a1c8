/**
 * Baton web chat widget, embedded with one tag:
 *   <script src="https://baton.example.com/widget/widget.js" data-baton-channel="<channel id>" async></script>
 * Reads the tag's settings and mounts the chat in its own shadow root at the end of <body>.
 * `window.BatonWidget.open()` / `.close()` let the page drive it (e.g. from a "Contact us" link).
 */
import { ChatClient } from './chat.client.js';
import { ChatView } from './chat.view.js';
import { readSettings, storageKeys, type WidgetSettings } from './widget.settings.js';

interface BatonWidgetApi {
  settings: WidgetSettings;
  open(): void;
  close(): void;
}

declare global {
  interface Window {
    BatonWidget?: BatonWidgetApi;
  }
}

/** localStorage, or null where the page may not use it (sandboxed frames, some privacy modes). */
function browserStorage(): Storage | null {
  try {
    const storage = window.localStorage;
    storage.getItem('baton:probe');
    return storage;
  } catch {
    return null;
  }
}

function mount(settings: WidgetSettings, api: BatonWidgetApi): void {
  const { channelId } = settings;
  if (!channelId) return;
  const storage = browserStorage();
  const client = new ChatClient({ ...settings, channelId }, storage);
  const host = document.createElement('div');
  host.setAttribute('data-baton-widget', '');
  document.body.append(host);
  const view = new ChatView(host, client, { store: storage, key: storageKeys(channelId).seen });
  api.open = () => view.toggle(true);
  api.close = () => view.toggle(false);
  // A returning visitor reconnects at once (replies may have come meanwhile); a new one only on opening.
  if (client.hasVisitor) client.start();
}

// The page may include the tag twice; one widget is enough.
if (!window.BatonWidget) {
  const script =
    (document.currentScript as HTMLScriptElement | null) ??
    document.querySelector<HTMLScriptElement>('script[data-baton-channel]');
  const api: BatonWidgetApi = {
    settings: readSettings(script, window.location.origin),
    open: () => undefined,
    close: () => undefined,
  };
  window.BatonWidget = api;
  if (document.body) mount(api.settings, api);
  else document.addEventListener('DOMContentLoaded', () => mount(api.settings, api), { once: true });
}
