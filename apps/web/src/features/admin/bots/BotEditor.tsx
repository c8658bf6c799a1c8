import {
  ZBot,
  ZBotRequest,
  type Bot,
  type BotEngineKind,
  type BotRequest,
  type Queue,
} from '@baton/contracts';
import { useState } from 'react';
import { api } from '../../../lib/api';
import { CheckboxField, Field, SelectField, TextAreaField } from '../../../ui/forms';
import { FormDialog } from '../setup-shared';
import { ENGINES } from './bot-engines';
import { HandoffQueues } from './HandoffQueues';

export function BotEditor({
  bot,
  queues,
  onSaved,
  onDone,
}: {
  bot: Bot | null;
  queues: Queue[] | null;
  onSaved: (bot: Bot) => void;
  onDone: () => void;
}) {
  const [form, setForm] = useState<BotRequest>(() =>
    bot
      ? {
          name: bot.name,
          engine: bot.engine,
          systemPrompt: bot.systemPrompt,
          allowedQueueIds: bot.allowedQueueIds,
          confidenceThreshold: bot.confidenceThreshold,
          maxUnhelpfulTurns: bot.maxUnhelpfulTurns,
          model: bot.model,
          enabled: bot.enabled,
        }
      : // The contract's defaults, so a new bot starts as the API would fill it in.
        { ...ZBotRequest.parse({ name: 'new' }), name: '' },
  );
  // The threshold is typed as a percentage; it is stored as a fraction.
  const [threshold, setThreshold] = useState(String(Math.round(form.confidenceThreshold * 100)));
  const set = <K extends keyof BotRequest>(key: K, value: BotRequest[K]) =>
    setForm((f) => ({ ...f, [key]: value }));

  const submit = async () => {
    const body: BotRequest = {
      ...form,
      confidenceThreshold: Number(threshold) / 100,
      model: form.model?.trim() || null,
    };
    onSaved(bot ? await api.put(`/bots/${bot.id}`, body, ZBot) : await api.post('/bots', body, ZBot));
  };

  return (
    <FormDialog
      title={bot ? `Edit ${bot.name}` : 'New bot'}
      submitLabel={bot ? 'Save bot' : 'Create bot'}
      wide
      onSubmit={submit}
      onDone={onDone}
    >
      <div className="form-grid">
        <Field
          label="Name"
          required
          maxLength={100}
          value={form.name}
          onChange={(e) => set('name', e.target.value)}
        />
        <div className="stack setup-tight">
          <SelectField
            label="Engine"
            value={form.engine}
            onChange={(e) => set('engine', e.target.value as BotEngineKind)}
          >
            {Object.entries(ENGINES).map(([engine, { label }]) => (
              <option key={engine} value={engine}>
                {label}
              </option>
            ))}
          </SelectField>
          <div className="field__hint">{ENGINES[form.engine].hint}</div>
        </div>
      </div>
      <CheckboxField
        label="Enabled: answers customers on its channels"
        checked={form.enabled}
        onChange={(e) => set('enabled', e.target.checked)}
      />

      <HandoffQueues
        queues={queues}
        engine={form.engine}
        value={form.allowedQueueIds}
        onChange={(ids) => set('allowedQueueIds', ids)}
      />

      <fieldset className="setup-fieldset">
        <legend>When to hand off</legend>
        <div className="form-grid">
          <Field
            label="Confidence threshold (%)"
            type="number"
            required
            min={0}
            max={100}
            step={1}
            value={threshold}
            onChange={(e) => setThreshold(e.target.value)}
            hint={
              form.engine === 'knowledge_base'
                ? 'Below this match with the best article the bot hands off instead of answering. Try questions on the Knowledge base screen to tune it.'
                : 'Articles matching below this are not offered to the model as relevant.'
            }
          />
          {form.engine === 'knowledge_base' && (
            <Field
              label="Unhelpful answers before handoff"
              type="number"
              required
              min={1}
              max={10}
              step={1}
              value={form.maxUnhelpfulTurns}
              onChange={(e) => set('maxUnhelpfulTurns', Number(e.target.value))}
              hint="1–10. After the customer says this many answers did not help, a person takes over."
            />
          )}
        </div>
      </fieldset>

      {form.engine === 'llm' && (
        <fieldset className="setup-fieldset">
          <legend>Language model</legend>
          <TextAreaField
            label="Instructions (system prompt)"
            rows={8}
            maxLength={8000}
            value={form.systemPrompt}
            onChange={(e) => set('systemPrompt', e.target.value)}
            hint="Tone, what the bot may help with, and what it must never promise. Baton adds its own rules for searching articles and handing off."
          />
          <Field
            label="Model"
            maxLength={100}
            spellCheck={false}
            placeholder="Server default (OPENAI_MODEL)"
            value={form.model ?? ''}
            onChange={(e) => set('model', e.target.value)}
            hint="Leave empty to use the server’s default model."
          />
        </fieldset>
      )}
    </FormDialog>
  );
}
