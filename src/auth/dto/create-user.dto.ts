import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { Locale } from '../../customers/customer.entity';
import { Role, ROLES } from '../role';
import { AgentPhoneField, ConsoleLocaleField, PasswordField } from './user-console-fields';

export class CreateUserDto {
  @ApiProperty({ example: 'li.wei' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{1,62}$/i, { message: 'must be 2–63 letters, digits, dots, dashes or underscores' })
  username: string;

  @ApiProperty({ example: 'Li Wei' })
  @IsString()
  @Length(1, 120)
  displayName: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @PasswordField()
  password?: string;

  @AgentPhoneField()
  phone?: string;

  @ConsoleLocaleField()
  locale?: Locale;
}
