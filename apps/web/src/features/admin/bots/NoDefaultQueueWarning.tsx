import type { Bot, Channel } from '@baton/contracts';

/** Channels that would be left with neither a bot nor a queue: their new conversations reach nobody. */
export function NoDefaultQueueWarning({ bot, channels }: { bot: Bot; channels: Channel[] | null }) {
  const stranded = (channels ?? []).filter((c) => bot.channelIds.includes(c.id) && !c.config.defaultQueueId);
  if (stranded.length === 0) return null;
  return (
    <p className="alert alert--error">
      {stranded.map((c) => c.name).join(', ')} {stranded.length === 1 ? 'has' : 'have'} no default queue: set
      one on the Channels screen first, or new conversations there will reach nobody.
    </p>
  );
}
