import { Module } from '@nestjs/common';
import { ConsoleModule } from '../console/console.module';
import { ContactLogController } from './contact-log.controller';

/** The "why" over the API: the console's contact log and timeline services behind API-key routes. */
@Module({ imports: [ConsoleModule], controllers: [ContactLogController] })
export class ContactLogModule {}
