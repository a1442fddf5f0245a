import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length } from 'class-validator';
import { Locale } from '../../customers/customer.entity';
import { Role, ROLES } from '../role';
import { AgentPhoneField, ConsoleLocaleField, PasswordField } from './user-console-fields';

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 120)
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: 'a disabled user is refused with every key' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @PasswordField()
  password?: string;

  @AgentPhoneField()
  phone?: string;

  @ConsoleLocaleField()
  locale?: Locale;
}
