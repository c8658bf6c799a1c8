import { ZCapacityRequest, ZQueueMembersRequest, type Queue } from '@baton/contracts';
import { z } from 'zod';
import { splitList } from '../../../lib/text';

const member = ZQueueMembersRequest.shape.members.element.shape;

/**
 * The contract's members, with skills typed as one comma-separated text, and each agent's capacity
 * (which belongs to the agent, not the queue) typed beside them: empty keeps it as it is.
 */
export const ZMembersForm = z.object({
  members: z.array(
    z.object({
      userId: member.userId,
      skills: z
        .string()
        .transform((text) => splitList(text.toLowerCase()))
        .pipe(member.skills.unwrap()),
      isSupervisor: z.boolean(),
      capacity: z
        .string()
        .trim()
        .refine(
          (text) => text === '' || ZCapacityRequest.shape.capacity.safeParse(Number(text)).success,
          'From 1 to 100, or empty to keep the current capacity.',
        ),
    }),
  ),
});
export type MembersInput = z.input<typeof ZMembersForm>;
export type MembersValues = z.output<typeof ZMembersForm>;
export type MemberInput = MembersInput['members'][number];

export function membersInput(queue: Queue): MembersInput {
  return {
    members: queue.members.map((m) => ({
      userId: m.userId,
      skills: m.skills.join(', '),
      isSupervisor: m.isSupervisor,
      capacity: '',
    })),
  };
}
