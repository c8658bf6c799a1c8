import type { BotEngineKind, Queue } from '@baton/contracts';
import { useState } from 'react';
import { CheckboxField, TextAreaField } from '../../../ui/forms';
import { isUuid } from '../../../lib/format';
import { splitList } from '../../../lib/text';
import { QueuePicker } from '../queues/QueuePicker';

/**
 * The queues a bot may hand off to, default first. A knowledge-base bot always uses the default; an
 * LLM bot may pick another by topic. With queues listed: a default picker plus checkboxes for the
 * others. Without: ids typed.
 */
export function HandoffQueues({
  queues,
  engine,
  value,
  onChange,
  error,
}: {
  queues: Queue[] | null;
  engine: BotEngineKind;
  value: string[];
  onChange: (ids: string[]) => void;
  error?: string;
}) {
  const [typed, setTyped] = useState(value.join('\n'));
  if (!queues) {
    return (
      <fieldset className="setup-fieldset">
        <legend>Hand-off queues</legend>
        <TextAreaField
          label="Queue ids"
          rows={3}
          spellCheck={false}
          value={typed}
          onChange={(e) => {
            setTyped(e.target.value);
            onChange(splitList(e.target.value).filter(isUuid));
          }}
          hint="One per line; the first is the default. You cannot list queues, so type their ids."
          error={error}
        />
      </fieldset>
    );
  }
  const [first = '', ...others] = value;
  const toggle = (id: string, on: boolean) => onChange(on ? [...value, id] : value.filter((x) => x !== id));
  const setDefault = (id: string) => onChange(id ? [id, ...value.filter((x) => x !== id)] : others);
  return (
    <fieldset className="setup-fieldset">
      <legend>Hand-off queues</legend>
      <QueuePicker
        label="Default hand-off queue"
        queues={queues}
        value={first}
        onChange={setDefault}
        noneLabel="None: use the channel’s default queue"
        hint="Where conversations go when the bot hands off."
        error={error}
      />
      {value.length === 0 && (
        <p className="alert alert--warn">
          Without a queue here the bot hands off to its channel&rsquo;s default queue. If the channel has none
          either, customers are told nobody is available.
        </p>
      )}
      {engine === 'llm' && first && queues.length > 1 && (
        <fieldset className="setup-checks">
          <legend>Other queues the bot may choose by topic</legend>
          {queues
            .filter((q) => q.id !== first)
            .map((q) => (
              <CheckboxField
                key={q.id}
                label={q.name}
                checked={others.includes(q.id)}
                onChange={(e) => toggle(q.id, e.target.checked)}
              />
            ))}
        </fieldset>
      )}
    </fieldset>
  );
}
