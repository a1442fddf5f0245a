import { ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CreateUserDto } from './create-user.dto';

/** Any of a user's fields but the username, which names them for good. */
export class UpdateUserDto extends PartialType(OmitType(CreateUserDto, ['username'] as const)) {
  @ApiPropertyOptional({ description: 'a disabled user is refused with every key' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}
