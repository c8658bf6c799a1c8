import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { ChannelsController } from './channels.controller.js';
import { ChannelsService } from './channels.service.js';
import { WhatsappApiClient } from './whatsapp/whatsapp-api.client.js';
import { WhatsappDeliveryService } from './whatsapp/whatsapp-delivery.service.js';
import { WhatsappInboundService } from './whatsapp/whatsapp-inbound.service.js';
import { WhatsappOutboundService } from './whatsapp/whatsapp-outbound.service.js';
import { WhatsappWebhookController } from './whatsapp/whatsapp-webhook.controller.js';

/**
 * Channels: admin CRUD, the WhatsApp webhook, and outbound delivery. Imported by the API and by the
 * worker: replies are created in both (agents in the API, bots in the worker), and each process turns
 * its own `message.created` events into delivery jobs. In the worker the controllers serve nothing.
 */
@Module({
  imports: [ContactsModule, ConversationsModule],
  providers: [
    ChannelsService,
    WhatsappApiClient,
    WhatsappInboundService,
    WhatsappOutboundService,
    WhatsappDeliveryService,
  ],
  controllers: [ChannelsController, WhatsappWebhookController],
  exports: [ChannelsService, WhatsappOutboundService, WhatsappDeliveryService],
})
export class ChannelsModule {}
