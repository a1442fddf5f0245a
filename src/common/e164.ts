/** A phone number in E.164 as providers take it: `+`, a country code, at most 15 digits in all. */
export const E164 = /^\+[1-9][0-9]{6,14}$/;
