import { writeFileSync } from 'node:fs';
import { Command, Option } from 'nest-commander';
import { UserExportService } from '@app/domain';
import { JsonCommand } from './json-command';

@Command({
  name: 'user:export',
  arguments: '<user>',
  description: "one user's data (our id or Kakao id) as JSON, for a privacy request",
})
export class UserExportCommand extends JsonCommand {
  constructor(private readonly exporter: UserExportService) {
    super();
  }

  @Option({ flags: '--out <file>', description: 'write to this file instead of standard output' })
  parseOut(v: string): string {
    return v;
  }

  async run([ref]: string[], opts: { out?: string }): Promise<void> {
    const data = JSON.stringify(await this.exporter.export(ref), null, 2);
    if (opts.out) writeFileSync(opts.out, data, { mode: 0o600 });
    else process.stdout.write(data + '\n');
  }
}
