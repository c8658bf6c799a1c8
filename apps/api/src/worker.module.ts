import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Env } from './config/env.schema.js';
import { CoreModule } from './core.module.js';
import { WorkerModule } from './jobs/jobs.module.js';
import { AgentIdleLoop } from './modules/agents/agent-idle.loop.js';
import { AgentPresenceLoop } from './modules/agents/agent-presence.loop.js';
import { AgentsModule } from './modules/agents/agents.module.js';
import { AuditCheckpointLoop } from './modules/audit/audit-checkpoint.loop.js';
import { AuditSealerLoop } from './modules/audit/audit-sealer.loop.js';
import { BotTurnHandler } from './modules/bots/bot-turn.handler.js';
import { BotTurnsRecoveryLoop } from './modules/bots/bot-turns-recovery.loop.js';
import { BotsModule } from './modules/bots/bots.module.js';
import { ChannelsModule } from './modules/channels/channels.module.js';
import { WhatsappDeliveryHandler } from './modules/channels/whatsapp/whatsapp-delivery.handler.js';
import { WhatsappPendingLoop } from './modules/channels/whatsapp/whatsapp-pending.loop.js';
import { AgentDeparturesModule } from './modules/conversations/agent-departures.module.js';
import { ConversationsModule } from './modules/conversations/conversations.module.js';
import { DisconnectGraceHandler } from './modules/conversations/disconnect-grace.handler.js';
import {
  CloseResolvedHandler,
  OfferTimeoutHandler,
  SlaCheckHandler,
} from './modules/conversations/conversation-timers.handlers.js';
import { CaseWebhookHandler } from './modules/external-cases/case-webhook.handler.js';
import { ExternalCasesModule } from './modules/external-cases/external-cases.module.js';
import { HealthPingHandler } from './modules/health/health-ping.handler.js';
import { ConversationRetentionHandler } from './modules/privacy/conversation-retention.handler.js';
import { PrivacyModule } from './modules/privacy/privacy.module.js';
import { RealtimeFanoutModule } from './modules/realtime/realtime-fanout.module.js';
import { RoutingModule } from './modules/routing/routing.module.js';
import { RoutingSweeperLoop } from './modules/routing/routing-sweeper.loop.js';
import { DormantAccountsHandler } from './modules/users/dormant-accounts.handler.js';
import { UsersModule } from './modules/users/users.module.js';

@Module({})
export class WorkerAppModule {
  static forRoot(env: Env, logger: Logger): DynamicModule {
    return {
      module: WorkerAppModule,
      imports: [
        CoreModule.forRoot(env, logger),
        RoutingModule,
        AgentsModule,
        // Sessions ended here (dormant accounts) send their agents offline here too.
        AgentDeparturesModule,
        // Changes made here (the routing sweep, dormant accounts) reach sockets like any API change.
        RealtimeFanoutModule,
        // Bot replies are created here: their delivery jobs are queued here too.
        ChannelsModule,
        // Case webhooks follow changes made here; lost bot turns are recovered here.
        ExternalCasesModule,
        BotsModule,
        WorkerModule.register({
          imports: [
            UsersModule,
            AgentsModule,
            AgentDeparturesModule,
            ConversationsModule,
            ChannelsModule,
            BotsModule,
            ExternalCasesModule,
            PrivacyModule,
          ],
          handlers: [
            HealthPingHandler,
            DormantAccountsHandler,
            DisconnectGraceHandler,
            SlaCheckHandler,
            CloseResolvedHandler,
            OfferTimeoutHandler,
            WhatsappDeliveryHandler,
            BotTurnHandler,
            CaseWebhookHandler,
            ConversationRetentionHandler,
          ],
        }),
      ],
      providers: [
        AuditSealerLoop,
        AuditCheckpointLoop,
        RoutingSweeperLoop,
        AgentIdleLoop,
        AgentPresenceLoop,
        WhatsappPendingLoop,
        BotTurnsRecoveryLoop,
      ],
    };
  }
}
