import { Module } from '@nestjs/common';
import { ContactsModule } from '../contacts/contacts.module.js';
import { VisitorTokenService } from './visitor-token.service.js';
import { RoutingModule } from '../routing/routing.module.js';
import { DemoController } from './demo.controller.js';
import { WidgetLimitsService } from './widget-limits.service.js';
import { WidgetController } from './widget.controller.js';
import { WidgetService } from './widget.service.js';

/**
 * The web chat channel: visitor sessions, the customer's traffic limits and the demo page. The
 * `/customer` gateway (RealtimeModule) uses these services, so the visitor tokens are provided here.
 */
@Module({
  imports: [ContactsModule, RoutingModule],
  providers: [VisitorTokenService, WidgetLimitsService, WidgetService],
  controllers: [WidgetController, DemoController],
  exports: [VisitorTokenService, WidgetLimitsService, WidgetService],
})
export class WidgetModule {}
