import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { LOCALES, Locale } from '../../customers/customer.entity';
import { EmptyIsAbsent } from '../form-fields';

/** A console page's path: never `//host` or `/\host`, which a browser would take for another site. */
export const CONSOLE_PAGE = /^\/console(\/[^/\\].*)?$/;

export class SignInForm {
  @IsString()
  @Length(1, 63)
  username: string;

  @IsString()
  @Length(1, 200)
  password: string;

  /** The page asked for before sign-in; only console paths, so the form cannot send anyone elsewhere. */
  @EmptyIsAbsent()
  @IsOptional()
  @Matches(CONSOLE_PAGE, { message: 'must be a console page' })
  next?: string;

  /** Checked against the sign-in cookie (double submit): there is no session yet to hold a token. */
  @IsString()
  _csrf: string;
}

export class LocaleForm {
  @IsIn(LOCALES)
  locale: Locale;
}
