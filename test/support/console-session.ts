import { Response } from 'supertest';
import { sessionCookieName } from '../../src/auth/console-sessions';
import { TestApp } from './test-app';

/** The cookies a response set, name → value (attributes dropped). */
export function cookies(response: Response): Record<string, string> {
  const set = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
  return Object.fromEntries(set.map((line) => line.split(';')[0].split('=') as [string, string]));
}

/** The CSRF token a console page put in its forms. */
export const hiddenCsrf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)![1];

export interface SignedIn {
  /** The `Cookie` header that carries the session. */
  cookie: string;
  csrf: string;
  username: string;
}

/** A new console user of `role`, signed in through the sign-in form as a browser would. */
export async function signedIn(t: TestApp, role: Parameters<TestApp['consoleUser']>[0]): Promise<SignedIn> {
  return signInAs(t, await t.consoleUser(role));
}

/** This person, signed in through the sign-in form as a browser would. */
export async function signInAs(t: TestApp, person: { username: string; password: string }): Promise<SignedIn> {
  const page = await t.http.get('/console/sign-in');
  const signIn = await t.http
    .post('/console/sign-in')
    .set('Cookie', `herald_sign_in=${cookies(page).herald_sign_in}`)
    .type('form')
    .send({ username: person.username, password: person.password, _csrf: hiddenCsrf(page.text), next: '' });
  const name = sessionCookieName(t.config);
  const cookie = `${name}=${cookies(signIn)[name]}`;
  const landing = await t.http.get('/console').set('Cookie', cookie).redirects(1);
  return { cookie, csrf: hiddenCsrf(landing.text), username: person.username };
}
