/**
 * Baton web chat widget, embedded with one tag:
 *   <script src="https://baton.example.com/widget/widget.js" data-baton-channel="<channel id>" async></script>
 * This entry reads the embedding tag's settings and exposes them; the chat UI is mounted from here.
 */
export interface WidgetSettings {
  /** Origin of the Baton API that served this script. */
  apiOrigin: string;
  channelId: string | null;
}

export function readSettings(script: HTMLScriptElement | null, fallbackOrigin: string): WidgetSettings {
  const src = script?.src ? new URL(script.src, fallbackOrigin) : null;
  return {
    apiOrigin: src ? src.origin : fallbackOrigin,
    channelId: script?.dataset.batonChannel ?? null,
  };
}

const settings = readSettings(document.currentScript as HTMLScriptElement | null, window.location.origin);
(window as unknown as { BatonWidget: { settings: WidgetSettings } }).BatonWidget = { settings };
