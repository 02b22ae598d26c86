import { Command, Option } from 'nest-commander';
import { API_SCOPES, ApiKeyService } from '@app/domain';
import { printRows } from '../output';
import { JsonCommand } from './json-command';

@Command({
  name: 'partner:create',
  arguments: '<name>',
  description: 'register a partner integrator (agency, franchise HQ)',
})
export class PartnerCreateCommand extends JsonCommand {
  constructor(private readonly keys: ApiKeyService) {
    super();
  }

  async run([name]: string[], opts: { json?: boolean }): Promise<void> {
    const p = await this.keys.createPartner(name);
    printRows([{ id: p.id, name: p.name }], Boolean(opts.json));
  }
}

@Command({
  name: 'key:issue',
  arguments: '<partner>',
  description: `issue an API key for a partner (id or name); the key is shown once. Scopes: ${API_SCOPES.join(', ')}`,
})
export class KeyIssueCommand extends JsonCommand {
  constructor(private readonly keys: ApiKeyService) {
    super();
  }

  @Option({
    flags: '--scopes <list>',
    description: 'comma-separated scopes (required)',
    required: true,
  })
  parseScopes(v: string): string[] {
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  @Option({ flags: '--label <text>', description: 'a note to recognise the key by' })
  parseLabel(v: string): string {
    return v;
  }

  async run(
    [partner]: string[],
    opts: { json?: boolean; scopes: string[]; label?: string },
  ): Promise<void> {
    const k = await this.keys.issue(partner, opts.scopes, opts.label);
    printRows(
      [{ id: k.id, prefix: k.prefix, scopes: k.scopes.join(','), key: k.key }],
      Boolean(opts.json),
    );
    if (!opts.json)
      process.stderr.write('Store the key now: it is not kept and cannot be shown again.\n');
  }
}

@Command({
  name: 'key:revoke',
  arguments: '<key>',
  description: 'revoke an API key (id or prefix); it stops working at once',
})
export class KeyRevokeCommand extends JsonCommand {
  constructor(private readonly keys: ApiKeyService) {
    super();
  }

  async run([ref]: string[], opts: { json?: boolean }): Promise<void> {
    await this.keys.revoke(ref);
    printRows([{ revoked: ref }], Boolean(opts.json));
  }
}

@Command({ name: 'key:list', description: 'list API keys (never the keys themselves)' })
export class KeyListCommand extends JsonCommand {
  constructor(private readonly keys: ApiKeyService) {
    super();
  }

  @Option({ flags: '--partner <partner>', description: 'only this partner (id or name)' })
  parsePartner(v: string): string {
    return v;
  }

  async run(_args: string[], opts: { json?: boolean; partner?: string }): Promise<void> {
    const rows = await this.keys.list(opts.partner);
    printRows(
      rows.map((k) => ({
        id: k.id,
        partner: k.partnerName,
        prefix: k.prefix,
        scopes: k.scopes.join(','),
        label: k.label,
        lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
        revokedAt: k.revokedAt?.toISOString() ?? null,
      })),
      Boolean(opts.json),
    );
  }
}
