import { Module } from '@nestjs/common';
import { AccessTokens } from './access-tokens';
import { AccountService } from './account.service';
import { ApiKeyService } from './api-key.service';
import { ApiKeyStanding } from './api-key-standing';
import { AuthNonceRepository } from './auth-nonce.repository';
import { PartnerRepository } from './partner.repository';
import { RefreshTokenRepository } from './refresh-token.repository';
import { SessionService } from './session.service';
import { UserExportRepository } from './user-export.repository';
import { UserExportService } from './user-export.service';
import { UserRepository } from './user.repository';
import { UserStatusService } from './user-status.service';

const providers = [
  AccessTokens,
  AccountService,
  ApiKeyService,
  ApiKeyStanding,
  AuthNonceRepository,
  PartnerRepository,
  RefreshTokenRepository,
  SessionService,
  UserRepository,
  UserExportRepository,
  UserExportService,
  UserStatusService,
];

/** Users, sessions, partners and their keys: shared by the API and the CLI. */
@Module({ providers, exports: providers })
export class AccountsModule {}
