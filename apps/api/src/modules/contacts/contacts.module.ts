import { Module } from '@nestjs/common';
import { ContactsService } from './contacts.service.js';

/** Customers' contacts and their encrypted personal data (see ContactsService). */
@Module({
  providers: [ContactsService],
  exports: [ContactsService],
})
export class ContactsModule {}
