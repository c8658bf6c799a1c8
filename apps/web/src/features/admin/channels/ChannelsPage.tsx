import { Permission } from '@baton/authz';
import type { Channel } from '@baton/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../../auth/session';
import { botsQuery, channelsQuery, queryKeys, useListCache } from '../../../lib/queries';
import { PageHeader } from '../../../ui/Page';
import { byName } from '../../../lib/text';
import { useQueueOptions } from '../queues/use-queue-options';
import { CreatedNotice } from './CreatedNotice';
import { ChannelsTable } from './ChannelsTable';
import { ChannelEditor } from './ChannelEditor';
import '../setup/setup.css';

type Open = { channel: Channel | null } | null;

export default function ChannelsPage() {
  const channels = useQuery(channelsQuery());
  const canBots = useCan(Permission.BotManage);
  const bots = useQuery({ ...botsQuery(), enabled: canBots });
  const botsPending = canBots && bots.isPending && !bots.error;
  const cache = useListCache<Channel>(queryKeys.channels);
  const client = useQueryClient();
  const { queues, pending } = useQueueOptions();
  const [open, setOpen] = useState<Open>(null);
  // A channel just created: its embed code or webhook URL is what the admin needs next.
  const [created, setCreated] = useState<Channel | null>(null);

  const saved = (channel: Channel, isNew: boolean) => {
    cache.upsert(channel, byName);
    // A bot lists the channels it answers.
    void client.invalidateQueries({ queryKey: queryKeys.bots });
    if (isNew) setCreated(channel);
  };

  return (
    <section className="stack">
      <PageHeader title="Channels">
        <button type="button" className="button button--primary" onClick={() => setOpen({ channel: null })}>
          New channel
        </button>
      </PageHeader>
      <p className="muted">
        Where customers reach you. Each channel can have a bot that answers first; otherwise conversations go
        straight to its default queue. Changes to channels ask for your authentication code.
      </p>

      {created && <CreatedNotice channel={created} onDismiss={() => setCreated(null)} />}

      <ChannelsTable
        load={channels}
        bots={bots.data ?? null}
        queues={queues}
        onEdit={(channel) => setOpen({ channel })}
        onDeleted={(id) => {
          cache.remove(id);
          void client.invalidateQueries({ queryKey: queryKeys.bots });
          if (created?.id === id) setCreated(null);
        }}
      />

      {open && !pending && !botsPending && (
        <ChannelEditor
          channel={open.channel}
          bots={bots.data ?? null}
          queues={queues}
          onSaved={(channel) => saved(channel, open.channel === null)}
          onDone={() => setOpen(null)}
        />
      )}
    </section>
  );
}
