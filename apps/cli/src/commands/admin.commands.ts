import { Command } from 'nest-commander';
import { AccountService } from '@app/domain';
import { printRows } from '../output';
import { JsonCommand } from './json-command';

const usage = (args: string[], name: string) => {
  if (args.length !== 1) throw new Error(`usage: ${name} <userId | kakaoId>`);
  return args[0];
};

@Command({
  name: 'admin:grant',
  arguments: '<user>',
  description: 'make a user (our id or Kakao id) an admin',
})
export class AdminGrantCommand extends JsonCommand {
  constructor(private readonly accounts: AccountService) {
    super();
  }

  async run(args: string[], opts: { json?: boolean }): Promise<void> {
    const u = await this.accounts.setRole(usage(args, 'admin:grant'), 'admin');
    printRows(
      [{ id: u.id, kakaoId: u.kakaoId, nickname: u.nickname, role: u.role }],
      Boolean(opts.json),
    );
  }
}

@Command({
  name: 'admin:revoke',
  arguments: '<user>',
  description: 'take the admin role back from a user',
})
export class AdminRevokeCommand extends JsonCommand {
  constructor(private readonly accounts: AccountService) {
    super();
  }

  async run(args: string[], opts: { json?: boolean }): Promise<void> {
    const u = await this.accounts.setRole(usage(args, 'admin:revoke'), 'user');
    printRows(
      [{ id: u.id, kakaoId: u.kakaoId, nickname: u.nickname, role: u.role }],
      Boolean(opts.json),
    );
  }
}

@Command({
  name: 'user:block',
  arguments: '<user>',
  description:
    'block a user (our id or Kakao id): sessions end, access tokens stop working at once',
})
export class UserBlockCommand extends JsonCommand {
  constructor(private readonly accounts: AccountService) {
    super();
  }

  async run(args: string[], opts: { json?: boolean }): Promise<void> {
    const u = await this.accounts.block(usage(args, 'user:block'));
    printRows(
      [
        {
          id: u.id,
          kakaoId: u.kakaoId,
          nickname: u.nickname,
          blockedAt: u.blockedAt?.toISOString() ?? null,
        },
      ],
      Boolean(opts.json),
    );
  }
}

@Command({
  name: 'user:unblock',
  arguments: '<user>',
  description: 'let a blocked user sign in again',
})
export class UserUnblockCommand extends JsonCommand {
  constructor(private readonly accounts: AccountService) {
    super();
  }

  async run(args: string[], opts: { json?: boolean }): Promise<void> {
    const u = await this.accounts.unblock(usage(args, 'user:unblock'));
    printRows(
      [{ id: u.id, kakaoId: u.kakaoId, nickname: u.nickname, blockedAt: null }],
      Boolean(opts.json),
    );
  }
}
