import { Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ValidationError } from '../../common/errors/domain.error.js';

@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  // Passport fails without calling the strategy when a field is missing; answer like the contract would.
  override handleRequest<T>(error: unknown, user: T | false): T {
    if (error) throw error;
    if (!user) {
      throw new ValidationError([{ path: '(root)', message: 'email and password are required' }]);
    }
    return user;
  }
}
