import { Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Env } from './config/env.schema.js';
import { CoreModule } from './core.module.js';
import { AgentsModule } from './modules/agents/agents.module.js';
import { AgentDeparturesModule } from './modules/conversations/agent-departures.module.js';
import { AuditHttpModule } from './modules/audit/audit-http.module.js';
import { AuthHttpModule } from './modules/auth/auth-http.module.js';
import { BotsModule } from './modules/bots/bots.module.js';
import { CannedResponsesModule } from './modules/canned-responses/canned-responses.module.js';
import { ChannelsModule } from './modules/channels/channels.module.js';
import { ConversationsModule } from './modules/conversations/conversations.module.js';
import { ExternalCasesModule } from './modules/external-cases/external-cases.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { KnowledgeModule } from './modules/knowledge/knowledge.module.js';
import { MetricsModule } from './modules/metrics/metrics.module.js';
import { MfaModule } from './modules/mfa/mfa.module.js';
import { PrivacyModule } from './modules/privacy/privacy.module.js';
import { QueuesModule } from './modules/queues/queues.module.js';
import { RealtimeModule } from './modules/realtime/realtime.module.js';
import { RoutingModule } from './modules/routing/routing.module.js';
import { SettingsModule } from './modules/settings/settings.module.js';
import { UsersModule } from './modules/users/users.module.js';
import { WidgetModule } from './modules/widget/widget.module.js';

@Module({})
export class AppModule {
  static forRoot(env: Env, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(env, logger),
        HealthModule,
        AuthHttpModule,
        MfaModule,
        UsersModule,
        SettingsModule,
        AuditHttpModule,
        QueuesModule,
        AgentsModule,
        AgentDeparturesModule,
        ConversationsModule,
        RoutingModule,
        RealtimeModule,
        ChannelsModule,
        WidgetModule,
        KnowledgeModule,
        CannedResponsesModule,
        BotsModule,
        ExternalCasesModule,
        PrivacyModule,
        MetricsModule,
      ],
    };
  }
}
