import { Body, Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/roles.decorator';
import { ValidationFailedError } from '../common/domain-error';
import { UuidPipe } from '../common/uuid.pipe';
import { UnsubscribeService } from './unsubscribe.service';
import { Answers, s } from '../common/api-responses';

const page = (body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Unsubscribe</title></head><body>${body}</body></html>`;

/** The marketing e-mail's List-Unsubscribe link: public, the attempt id in the path is the capability. */
@ApiTags('unsubscribe')
@Controller('unsubscribe')
export class UnsubscribeController {
  constructor(private readonly unsubscribes: UnsubscribeService) {}

  @Get(':attemptId')
  @Answers(s.string(), { mediaType: 'text/html', description: 'the confirmation page' })
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiOperation({ summary: 'A confirmation page with a button: a GET never unsubscribes (mail scanners follow links)' })
  async confirm(@Param('attemptId', UuidPipe) attemptId: string) {
    await this.unsubscribes.customerOf(attemptId);
    return page(
      `<p>Stop marketing e-mails from us? / 不再接收营销邮件？</p>` +
        `<form method="post" action="/unsubscribe/${attemptId}"><input type="hidden" name="List-Unsubscribe" value="One-Click">` +
        `<button type="submit">Unsubscribe / 退订</button></form>`,
    );
  }

  @Post(':attemptId')
  @Answers(s.string(), { mediaType: 'text/html', description: 'unsubscribed: the page that says so' })
  @Public()
  @HttpCode(200)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiOperation({
    summary: 'RFC 8058 one-click unsubscribe (body List-Unsubscribe=One-Click): revokes marketing e-mail; idempotent',
  })
  async unsubscribe(@Param('attemptId', UuidPipe) attemptId: string, @Body() form: Record<string, string | undefined>) {
    if (form?.['List-Unsubscribe'] !== 'One-Click') {
      throw new ValidationFailedError([{ field: 'List-Unsubscribe', reason: 'must be One-Click' }]);
    }
    await this.unsubscribes.unsubscribe(attemptId);
    return page(`<p>You will receive no more marketing e-mails. / 您已退订营销邮件。</p>`);
  }
}
