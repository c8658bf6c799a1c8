import { beforeAll, describe, it } from 'vitest';
import { conversationIn } from '../../api/test/factories/conversations.factory.js';
import { tag } from '../../api/test/factories/names.js';
import { createUser, type TestUser } from '../../api/test/support/api.js';
import { ConversationsService } from '../../api/src/modules/conversations/conversations.service.js';
import { newPage } from './support/browser.js';
import { useProductInBrowser } from './support/product.js';
import { signInThroughUi } from './support/sign-in.js';

/**
 * A long queue in the inbox: the first 50 waiting conversations, the rest on "Load more waiting",
 * and a conversation that arrives meanwhile shows at once, wherever it falls in the list.
 */
describe('a long waiting list, in a browser', () => {
  const { product, browser } = useProductInBrowser();
  let agent: TestUser;
  let queueId: string;
  let channelId: string;

  beforeAll(async () => {
    const { api } = product;
    // An agent who stays offline: nothing is routed, everything waits.
    agent = await createUser(api, { roles: ['agent'], displayName: 'Lena Park' });
    const queue = await api.prisma.queue.create({ data: { name: `Backlog ${tag()}` } });
    queueId = queue.id;
    await api.prisma.queueMember.create({ data: { queueId, userId: agent.id } });
    channelId = (await api.prisma.channel.findFirstOrThrow({ where: { kind: 'webchat' } })).id;
    for (let i = 0; i < 60; i++) await conversationIn(api, 'queued', { channelId, queueId });
  });

  it('shows 50 waiting, loads the rest on request, and adds one that arrives live', async () => {
    const { page } = await newPage(browser, product.api.base);
    await signInThroughUi(page, agent);
    const waiting = page.getByRole('region', { name: 'Waiting in my queues' });
    const rows = waiting.getByRole('link');
    await rows.nth(49).waitFor();
    if ((await rows.count()) !== 50) throw new Error(`expected 50 waiting rows, saw ${await rows.count()}`);

    await page.getByRole('button', { name: 'Load more waiting' }).click();
    await rows.nth(59).waitFor();
    await page.getByRole('button', { name: 'Load more waiting' }).waitFor({ state: 'detached' });

    // Handed off now: it would be on no page loaded yet, but the socket brings it.
    const { api } = product;
    const contact = await api.prisma.contact.create({ data: { channelId, externalId: `late-${tag()}` } });
    const late = await api.prisma.conversation.create({ data: { channelId, contactId: contact.id } });
    await api.app.get(ConversationsService).handoff(late.id, { queueId, summary: 'Arrived while paging' });
    await waiting.getByText('Arrived while paging').waitFor();
    await rows.nth(60).waitFor();
  });
});
