import { useWatch, type UseFormReturn } from 'react-hook-form';
import { TextAreaField } from '../../../ui/forms';
import { bindField } from '../../../lib/contract-form';
import { parseOrigins, type Draft } from './channel-draft';

export function WebchatFields({ form }: { form: UseFormReturn<Draft> }) {
  const { errors } = form.formState;
  const origins = useWatch({ control: form.control, name: 'origins' }) ?? '';
  const { invalid } = parseOrigins(origins);
  return (
    <fieldset className="setup-fieldset">
      <legend>Web chat</legend>
      <TextAreaField
        label="Allowed sites (origins)"
        rows={4}
        spellCheck={false}
        placeholder={'https://www.shop.example\nhttps://shop.example'}
        {...form.register('origins')}
        // Flagged as typed: a site that is not an origin never matches, and the chat would not open there.
        error={
          errors.origins?.message ?? (invalid.length > 0 ? `Not an origin: ${invalid.join(', ')}` : null)
        }
        hint="One per line: scheme and host (and port), no path. The chat only opens on these sites."
      />
      {origins.trim() === '' && (
        <p className="alert alert--warn">
          With no allowed sites, <strong>any website</strong> can embed this chat and open conversations with
          your team.
        </p>
      )}
      <TextAreaField
        label="Greeting"
        rows={2}
        maxLength={500}
        {...bindField(form, 'greeting')}
        hint="The first message the visitor sees. Optional."
      />
    </fieldset>
  );
}
