import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { LOCALES, Locale } from '../../customers/customer.entity';

export class SignInForm {
  @IsString()
  @Length(1, 63)
  username: string;

  @IsString()
  @Length(1, 200)
  password: string;

  /** The page asked for before sign-in; only console paths, so the form cannot send anyone elsewhere. */
  @IsOptional()
  @Matches(/^(\/console(\/[^/\\].*)?)?$/, { message: 'must be a console page' })
  next?: string;

  /** Checked against the sign-in cookie (double submit): there is no session yet to hold a token. */
  @IsString()
  _csrf: string;
}

export class LocaleForm {
  @IsIn(LOCALES)
  locale: Locale;
}
