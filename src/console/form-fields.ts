import { Transform } from 'class-transformer';

/** A form's empty input is "not given", as an API client would omit the field. */
export const EmptyIsAbsent = () => Transform(({ value }) => (value === '' ? undefined : value));
