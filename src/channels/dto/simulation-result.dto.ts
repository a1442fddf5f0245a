import { ApiProperty } from '@nestjs/swagger';
import { SandboxMessage } from '../sandbox/sandbox-message.entity';

export class SimulationResultDto {
  @ApiProperty({ type: SandboxMessage })
  message: SandboxMessage;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: "the HTTP status Herald's webhook answered; null if it could not be reached",
  })
  webhookStatus: number | null;
}
