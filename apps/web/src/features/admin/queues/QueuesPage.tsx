import { Permission } from '@baton/authz';
import type { Queue } from '@baton/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useCan } from '../../../auth/session';
import { queryKeys, queuesQuery, useListCache } from '../../../lib/queries';
import { PageHeader } from '../../../ui/Page';
import { queueOrder } from './queue-text';
import { QueuesTable } from './QueuesTable';
import { QueueEditor } from './QueueEditor';
import { MembersEditor } from './MembersEditor';
import '../setup/setup.css';

type Open = { mode: 'edit'; queue: Queue | null } | { mode: 'members'; queue: Queue } | null;

export default function QueuesPage() {
  const canList = useCan(Permission.QueueRead);
  const queues = useQuery({ ...queuesQuery(), enabled: canList });
  const [open, setOpen] = useState<Open>(null);
  const cache = useListCache<Queue>(queryKeys.queues);
  const client = useQueryClient();
  const saved = (queue: Queue) => {
    cache.upsert(queue, queueOrder);
    // The supervisor wall shows queues and their members.
    void client.invalidateQueries({ queryKey: queryKeys.supervisorOverview });
  };

  return (
    <section className="stack">
      <PageHeader title="Queues">
        <button
          type="button"
          className="button button--primary"
          onClick={() => setOpen({ mode: 'edit', queue: null })}
        >
          New queue
        </button>
      </PageHeader>
      <p className="muted">
        Conversations wait in a queue until a member takes them. Channels and bots choose the queue; the queue
        decides who gets each conversation, and how fast it must be answered.
      </p>
      {!canList && (
        <p className="alert alert--info">
          Your roles can change queues but not list them (that needs <code>queue:read</code>). You can still
          create one.
        </p>
      )}
      <QueuesTable
        load={queues}
        onEdit={(queue) => setOpen({ mode: 'edit', queue })}
        onMembers={(queue) => setOpen({ mode: 'members', queue })}
        onArchived={(id) => {
          cache.remove(id);
          void client.invalidateQueries({ queryKey: queryKeys.supervisorOverview });
        }}
      />

      {open?.mode === 'edit' && (
        <QueueEditor queue={open.queue} onSaved={saved} onDone={() => setOpen(null)} />
      )}
      {open?.mode === 'members' && (
        <MembersEditor queue={open.queue} onSaved={saved} onDone={() => setOpen(null)} />
      )}
    </section>
  );
}
