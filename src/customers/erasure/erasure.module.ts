import { Module } from '@nestjs/common';
import { DispatchModule } from '../../dispatch/dispatch.module';
import { ErasureController } from './erasure.controller';
import { ErasureRepository } from './erasure.repository';
import { ErasureService } from './erasure.service';

/** A customer's right to be forgotten, within what the law asks Herald to keep. */
@Module({
  imports: [DispatchModule],
  controllers: [ErasureController],
  providers: [ErasureService, ErasureRepository],
})
export class ErasureModule {}
