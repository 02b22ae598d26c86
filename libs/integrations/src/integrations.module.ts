import { Module } from '@nestjs/common';

/**
 * Ports and adapters for every outside system (design.md section 4). The adapters arrive
 * with the integrations issue; the module exists so both apps already import it.
 */
@Module({})
export class IntegrationsModule {}
