import { Injectable } from '@nestjs/common';
import { InjectCommander } from 'nest-commander';

/**
 * Help and errors name the installed bin (`castad`, package.json "bin"), not the file that
 * happens to run (commander takes the script's name, `main`).
 */
@Injectable()
export class CliName {
  constructor(@InjectCommander() program: { name(name: string): unknown }) {
    program.name('castad');
  }
}
