/** What the embedding tag says: `<script src=".../widget/widget.js" data-baton-channel="<channel id>" async>`. */
export interface WidgetSettings {
  /** Origin of the Baton API that served this script. */
  apiOrigin: string;
  channelId: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads the settings from the `<script>` element that loaded the widget. The API is wherever the
 * script came from, so a page needs no other configuration. A channel id that is not a UUID is
 * ignored (the widget then stays hidden) rather than sent to the server.
 */
export function readSettings(
  script: Pick<HTMLScriptElement, 'src' | 'dataset'> | null,
  fallbackOrigin: string,
): WidgetSettings {
  const src = script?.src ? new URL(script.src, fallbackOrigin) : null;
  const channelId = script?.dataset.batonChannel?.trim() ?? '';
  return {
    apiOrigin: src ? src.origin : fallbackOrigin,
    channelId: UUID.test(channelId) ? channelId.toLowerCase() : null,
  };
}

/** localStorage keys, one set per channel, so two Baton widgets on one site never mix visitors. */
export const storageKeys = (channelId: string) => ({
  token: `baton:${channelId}:token`,
  outbox: `baton:${channelId}:outbox`,
  /** The last message the visitor saw, for the unread badge. */
  seen: `baton:${channelId}:seen`,
});
