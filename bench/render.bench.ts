/**
 * `npm run bench:render` — template renders per second on one core (one Node thread): a fraud
 * verification SMS (money, time in the customer's zone, truncation, encoding and segments) and a
 * repayment reminder e-mail (subject, HTML, plain text), each for customers of a generated book.
 * Beside each, the naive way: the file parsed, validated and compiled again for every render.
 * Needs no database. Last line: JSON.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config/app-config';
import { generateCustomers } from '../src/customers/book/customer-book.generator';
import { Locale } from '../src/customers/customer.entity';
import { loadTemplateDirectory } from '../src/templates/template-directory.loader';
import { compileTemplate } from '../src/templates/template.compiler';
import { LibraryOptions, TemplateLibrary } from '../src/templates/template.library';
import { RenderRequest, TemplateChannel, TemplateCustomer } from '../src/templates/template.model';

const TEMPLATES_DIR = join(__dirname, '..', '..', 'scripts-templates');
const CUSTOMERS = 2_000;
const SECONDS = 3;
const NAIVE_SECONDS = 2;

const config = loadConfig({});
const options: LibraryOptions = { centre: config.templates.centre, publicBaseUrl: config.publicBaseUrl };
const library = new TemplateLibrary(loadTemplateDirectory(TEMPLATES_DIR), options);
const customers = [...generateCustomers({ count: CUSTOMERS, seed: 7, today: '2025-11-21' })] as TemplateCustomer[];

function requests(key: string, channel: TemplateChannel): RenderRequest[] {
  return customers.map((customer, i) => ({
    key,
    channel,
    locale: customer.locale as Locale,
    customer,
    variables: {
      txn: {
        amount: 1_000 + ((i * 7919) % 500_000),
        currency: customer.currency,
        merchant: ['AMAZON MKTPLACE', '京东商城', 'APPLE.COM/BILL', 'SHELL OIL 57442', '美团外卖'][i % 5],
        at: new Date(Date.UTC(2025, 10, 21, i % 24, i % 60)),
        reference: String(1000 + (i % 9000)),
      },
    },
  }));
}

/** Renders round-robin over the requests for about `seconds`; returns renders per second. */
function measure(batch: RenderRequest[], render: (request: RenderRequest) => unknown, seconds: number): number {
  let sink = 0;
  for (let i = 0; i < Math.min(batch.length, 2_000); i++) sink += render(batch[i]) ? 1 : 0; // warm-up: JIT, formatter caches
  let renders = 0;
  const started = process.hrtime.bigint();
  const budget = BigInt(seconds * 1e9);
  while (process.hrtime.bigint() - started < budget) {
    for (let i = 0; i < 1_000; i++) sink += render(batch[(renders + i) % batch.length]) ? 1 : 0;
    renders += 1_000;
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  if (sink < 0) console.log(sink);
  return Math.round(renders / elapsed);
}

const sources = new Map<string, string>();

/** The naive way: the file (its text kept in memory) parsed, validated and compiled again for each render. */
function naive(request: RenderRequest): unknown {
  const file = join(TEMPLATES_DIR, request.key, `${request.locale}.${request.channel}.hbs`);
  const source = sources.get(file) ?? readFileSync(file, 'utf8');
  sources.set(file, source);
  const { variant } = compileTemplate(source, request, file);
  return new TemplateLibrary([variant!], options).render(request);
}

const sms = requests('fraud-verification', 'sms');
const email = requests('repayment-reminder-before-due', 'email');
const [sample] = sms;
console.log(
  `customers: ${CUSTOMERS} generated (${new Set(customers.map((c) => c.timezone)).size} time zones), node ${process.version}`,
);
console.log(`sample SMS: ${JSON.stringify(library.render(sample).sms)}`);

const smsRendersPerSec = measure(sms, (request) => library.render(request), SECONDS);
console.log(`SMS   fraud-verification            compiled once: ${smsRendersPerSec.toLocaleString('en')} renders/s`);
const smsNaive = measure(sms, naive, NAIVE_SECONDS);
console.log(
  `SMS   fraud-verification     compiled per render: ${smsNaive.toLocaleString('en')} renders/s (${(smsRendersPerSec / smsNaive).toFixed(0)}x slower)`,
);
const emailRendersPerSec = measure(email, (request) => library.render(request), SECONDS);
console.log(`email repayment-reminder-before-due compiled once: ${emailRendersPerSec.toLocaleString('en')} renders/s`);
const emailNaive = measure(email, naive, NAIVE_SECONDS);
console.log(
  `email repayment-reminder-before-due compiled per render: ${emailNaive.toLocaleString('en')} renders/s (${(emailRendersPerSec / emailNaive).toFixed(0)}x slower)`,
);
console.log(JSON.stringify({ smsRendersPerSec, emailRendersPerSec }));
