import { Permission } from '@baton/authz';
import type { Bot } from '@baton/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../../auth/session';
import { botsQuery, channelsQuery, queryKeys, useListCache } from '../../../lib/queries';
import { PageHeader } from '../../../ui/Page';
import { byName } from '../../../lib/text';
import { useQueueOptions } from '../queues/use-queue-options';
import { BotsTable } from './BotsTable';
import { BotEditor } from './BotEditor';
import '../setup/setup.css';

type Open = { bot: Bot | null } | null;

export default function BotsPage() {
  const bots = useQuery(botsQuery());
  const cache = useListCache<Bot>(queryKeys.bots);
  const client = useQueryClient();
  const canChannels = useCan(Permission.ChannelManage);
  const channels = useQuery({ ...channelsQuery(), enabled: canChannels });
  const { queues, pending } = useQueueOptions();
  const [open, setOpen] = useState<Open>(null);

  return (
    <section className="stack">
      <PageHeader title="Bots">
        <button type="button" className="button button--primary" onClick={() => setOpen({ bot: null })}>
          New bot
        </button>
      </PageHeader>
      <p className="muted">
        A bot answers a channel&rsquo;s customers first and hands the conversation to a queue when it cannot
        help, when the customer asks for a person, or after too many unhelpful answers. Attach a bot to a
        channel on the Channels screen.
      </p>
      <BotsTable
        load={bots}
        queues={queues}
        channels={channels.data ?? null}
        onEdit={(bot) => setOpen({ bot })}
        onDeleted={(id) => {
          cache.remove(id);
          // Deleting a bot detaches it from its channels.
          void client.invalidateQueries({ queryKey: queryKeys.channels });
        }}
      />
      {open && !pending && (
        <BotEditor
          bot={open.bot}
          queues={queues}
          onSaved={(bot) => cache.upsert(bot, byName)}
          onDone={() => setOpen(null)}
        />
      )}
    </section>
  );
}
