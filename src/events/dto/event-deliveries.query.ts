import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { CursorPageQuery } from '../../common/pagination';
import { DeliveryStatus } from '../event-outbox.repository';

export class EventDeliveriesQuery extends CursorPageQuery {
  @ApiPropertyOptional({
    enum: ['pending', 'delivered', 'parked'],
    description: 'parked: tried for their whole window, given up',
  })
  @IsOptional()
  @IsIn(['pending', 'delivered', 'parked'])
  status?: DeliveryStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  subscriptionId?: string;
}
