import type { Conversation } from '@baton/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConversationsService } from '../../api/src/modules/conversations/conversations.service.js';
import { CustomerConversationsService } from '../../api/src/modules/conversations/customer-conversations.service.js';
import { createUser, eventually } from '../../api/test/support/api.js';
import { newPage } from './support/browser.js';
import { goAvailable, myConversations } from './support/inbox.js';
import { useProductInBrowser } from './support/product.js';
import { signInThroughUi } from './support/sign-in.js';

/**
 * A live event can be lost on the way (Redis out of reach, an instance's subscriber reconnecting):
 * the inbox notices the hole in `seq` when the next message arrives and fetches what is missing.
 */
describe('the inbox when a live event is lost, in a browser', () => {
  const { product, browser } = useProductInBrowser();
  let queue: { id: string };
  let channelId: string;

  beforeAll(async () => {
    const { api } = product;
    queue = await api.prisma.queue.create({ data: { name: `live-gaps-${randomBytes(3).toString('hex')}` } });
    channelId = (await api.prisma.channel.create({ data: { kind: 'webchat', name: 'Shop chat' } })).id;
  });

  it('shows a message whose event never came as soon as the next one arrives, in order and once', async () => {
    const { api } = product;
    const agent = await createUser(api, { roles: ['agent'] });
    await api.prisma.agentState.create({ data: { userId: agent.id, capacity: 5 } });
    await api.prisma.queueMember.create({ data: { queueId: queue.id, userId: agent.id } });
    const { page } = await newPage(browser, api.base);
    await signInThroughUi(page, agent);
    await goAvailable(page);

    const contact = await api.prisma.contact.create({ data: { channelId, externalId: randomUUID() } });
    const created = await api.prisma.conversation.create({ data: { channelId, contactId: contact.id } });
    const conversation: Conversation = await api.app
      .get(ConversationsService)
      .handoff(created.id, { queueId: queue.id, reason: 'customer_asked' });
    const writes = (body: string) =>
      api.app
        .get(CustomerConversationsService)
        .send(
          { contactId: contact.id, channelId },
          { conversationId: conversation.id, body, clientMessageId: randomUUID() },
        );
    await myConversations(page).getByRole('link').first().click();
    await page.waitForURL(`**/inbox/${conversation.id}`);
    const messages = page.getByRole('list', { name: 'Messages' });
    await writes('My parcel has not arrived.');
    await messages.getByText('My parcel has not arrived.').waitFor();

    // Stored, but its event is lost: the conversation takes the next seq and nobody is told.
    const { lastSeq } = await api.prisma.conversation.update({
      where: { id: conversation.id },
      data: { lastSeq: { increment: 1 } },
    });
    await api.prisma.message.create({
      data: {
        conversationId: conversation.id,
        seq: lastSeq,
        authorKind: 'customer',
        kind: 'customer',
        body: 'The tracking number is BT-204.',
      },
    });
    await writes('Can you check?');

    const lines = () => messages.getByRole('listitem').allInnerTexts();
    const shown = await eventually(lines, (texts) => texts.some((t) => t.includes('BT-204')));
    const order = ['My parcel has not arrived.', 'The tracking number is BT-204.', 'Can you check?'];
    expect(shown.flatMap((text) => order.filter((body) => text.includes(body)))).toEqual(order);
  });
});
