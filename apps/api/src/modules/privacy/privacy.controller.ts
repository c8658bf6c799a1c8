import { Permission } from '@baton/authz';
import {
  ZContactErasureRequest,
  ZContactLookupQuery,
  type ContactErasure,
  type ContactErasureRequest,
  type ContactExport,
  type ContactLookupQuery,
  type ContactMatch,
} from '@baton/contracts';
import { Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequirePermission, RequireStepUp } from '../../common/decorators/access.decorators.js';
import { UuidParam, ZodBody, ZodQuery } from '../../common/http/zod-params.js';
import { PrivacyService } from './privacy.service.js';

@ApiTags('contacts')
@Controller('v1/contacts')
export class PrivacyController {
  constructor(private readonly privacy: PrivacyService) {}

  /** Contacts with this exact email or phone number (`?email=` or `?phone=`), on every channel. */
  @Get()
  @RequirePermission(Permission.ContactExport)
  @RequireStepUp()
  find(@ZodQuery(ZContactLookupQuery) query: ContactLookupQuery): Promise<ContactMatch[]> {
    return this.privacy.find(query);
  }

  /** Everything held about the contact, as a JSON download. */
  @Get(':id/export')
  @RequirePermission(Permission.ContactExport)
  @RequireStepUp()
  async export(@UuidParam() id: string, @Res({ passthrough: true }) res: Response): Promise<ContactExport> {
    const exported = await this.privacy.export(id);
    res.setHeader('Content-Disposition', `attachment; filename="baton-contact-${id}.json"`);
    res.setHeader('Cache-Control', 'no-store');
    return exported;
  }

  /** Erases the contact's personal data; `force` also while a conversation is live. */
  @Post(':id/erasure')
  @HttpCode(200)
  @RequirePermission(Permission.ContactErase)
  @RequireStepUp()
  erase(
    @UuidParam() id: string,
    @ZodBody(ZContactErasureRequest) body: ContactErasureRequest,
  ): Promise<ContactErasure> {
    return this.privacy.erase(id, body.force);
  }
}
