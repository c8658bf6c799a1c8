import { Injectable } from '@nestjs/common';
import { DataCipher } from '@baton/security';
import { ConfigService } from '../../config/config.service.js';

/**
 * AES-256-GCM for data at rest, under the keys of `DATA_ENCRYPTION_KEYS` (the first encrypts, every
 * listed key decrypts); the cipher itself is shared with `npm run keys:rotate`.
 */
@Injectable()
export class DataEncryptionService extends DataCipher {
  constructor(config: ConfigService) {
    super(config.env.DATA_ENCRYPTION_KEYS, config.env.BLIND_INDEX_KEY);
  }
}
