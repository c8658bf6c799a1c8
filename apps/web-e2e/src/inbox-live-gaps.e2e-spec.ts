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
 * the inbox and the widget notice the hole in `seq` when the next message arrives and fetch what is missing.
 */
describe('the inbox and the widget when a live event is lost, in browsers', () => {
  const { product, browser } = useProductInBrowser();
  let queue: { id: string };
  let channelId: string;

  beforeAll(async () => {
    const { api } = product;
    queue = await api.prisma.queue.create({ data: { name: `live-gaps-${randomBytes(3).toString('hex')}` } });
    channelId = (await api.prisma.channel.create({ data: { kind: 'webchat', name: 'Shop chat' } })).id;
  });

  /** Stored as `author` wrote it, but its event is lost: the conversation takes the next seq and nobody is told. */
  async function storedSilently(conversationId: string, body: string, author: { userId: string } | null) {
    const { lastSeq } = await product.api.prisma.conversation.update({
      where: { id: conversationId },
      data: { lastSeq: { increment: 1 } },
    });
    await product.api.prisma.message.create({
      data: {
        conversationId,
        seq: lastSeq,
        body,
        ...(author
          ? { authorKind: 'agent', kind: 'reply', authorUserId: author.userId }
          : { authorKind: 'customer', kind: 'customer' }),
      },
    });
  }

  /** The bodies of `order` as `texts` show them, each time one appears. */
  const shownOf = (texts: string[], order: string[]) =>
    texts.flatMap((text) => order.filter((body) => text.includes(body)));

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

    await storedSilently(conversation.id, 'The tracking number is BT-204.', null);
    await writes('Can you check?');

    const lines = () => messages.getByRole('listitem').allInnerTexts();
    const shown = await eventually(lines, (texts) => texts.some((t) => t.includes('BT-204')));
    const order = ['My parcel has not arrived.', 'The tracking number is BT-204.', 'Can you check?'];
    expect(shownOf(shown, order)).toEqual(order);
  });

  it('the widget shows an agent reply whose event never came as soon as the next one arrives', async () => {
    const { api } = product;
    const general = await api.prisma.queue.findUniqueOrThrow({ where: { name: 'General' } });
    const agent = await createUser(api, { roles: ['agent'] });
    await api.prisma.queueMember.create({ data: { queueId: general.id, userId: agent.id } });
    const { page: agentPage } = await newPage(browser, api.base);
    await signInThroughUi(agentPage, agent);
    await goAvailable(agentPage);

    const { page: shop } = await newPage(browser, api.base);
    await shop.goto('/demo');
    await shop.getByRole('button', { name: 'Open chat' }).click();
    await shop.getByRole('textbox', { name: 'Message' }).fill('I want to talk to a human about my order');
    await shop.getByRole('button', { name: 'Send' }).click();
    const item = myConversations(agentPage).getByRole('link').first();
    await item.waitFor({ timeout: 20_000 });
    await item.click();
    const conversationId = /inbox\/([0-9a-f-]{36})/.exec(
      await eventually(
        () => agentPage.url(),
        (url) => /inbox\/[0-9a-f-]{36}/.test(url),
      ),
    )?.[1];
    if (!conversationId) throw new Error('no conversation open');
    const reply = async (body: string) => {
      await agentPage.getByRole('textbox', { name: 'Reply' }).fill(body);
      await agentPage.getByRole('button', { name: 'Send', exact: true }).click();
      await agentPage.getByRole('list', { name: 'Messages' }).getByText(body).waitFor();
    };
    const log = shop.getByRole('log', { name: 'Messages' });
    await reply('Hi, let me look at your order.');
    await log.getByText('Hi, let me look at your order.').waitFor();

    await storedSilently(conversationId, 'It left the warehouse on Monday.', { userId: agent.id });
    await reply('It should arrive tomorrow.');

    const order = [
      'Hi, let me look at your order.',
      'It left the warehouse on Monday.',
      'It should arrive tomorrow.',
    ];
    const texts = () => log.locator('li').allInnerTexts();
    const shown = await eventually(texts, (t) => shownOf(t, order).length === order.length);
    expect(shownOf(shown, order)).toEqual(order);
  });
});
