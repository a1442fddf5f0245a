import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { UuidPipe } from '../common/uuid.pipe';
import { ApiTags } from '@nestjs/swagger';
import { PageQuery } from '../common/pagination';
import { CreateApiKeyDto, IssuedApiKeyDto } from './dto/create-api-key.dto';
import { CreateUserDto } from './dto/create-user.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { Roles } from './roles.decorator';
import { SignInService } from './sign-in.service';
import { UsersService } from './users.service';
import { Answers, AnswersNothing, AnswersPage, entitySchema } from '../common/api-responses';
import { ApiKey } from './api-key.entity';
import { ROLES } from './role';
import { User } from './user.entity';

const USER = entitySchema(User, { role: { type: 'string', enum: [...ROLES] } });

@ApiTags('users')
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly signIns: SignInService,
  ) {}

  @Post()
  @Answers(USER, { status: 201 })
  create(@Body() body: CreateUserDto) {
    return this.users.create(body);
  }

  @Get()
  @AnswersPage(USER)
  list(@Query() page: PageQuery) {
    return this.users.list(page);
  }

  @Get(':id')
  @Answers(USER)
  get(@Param('id', UuidPipe) id: string) {
    return this.users.get(id);
  }

  @Patch(':id')
  @Answers(USER)
  update(@Param('id', UuidPipe) id: string, @Body() body: UpdateUserDto) {
    return this.users.update(id, body);
  }

  /** Lifts a sign-in lock: the account's failures in a row start over. 204 whether or not it was locked. */
  @Post(':id/unlock')
  @HttpCode(204)
  @AnswersNothing()
  async unlock(@Param('id', UuidPipe) id: string) {
    await this.users.get(id);
    await this.signIns.unlock({ kind: 'account', subject: id });
  }

  @Post(':id/keys')
  @Answers(IssuedApiKeyDto, { status: 201 })
  async issueKey(@Param('id', UuidPipe) id: string, @Body() body: CreateApiKeyDto) {
    await this.users.get(id);
    return this.users.issueKey(id, body.label);
  }

  @Get(':id/keys')
  @Answers(entitySchema(ApiKey), { array: true })
  listKeys(@Param('id', UuidPipe) id: string) {
    return this.users.listKeys(id);
  }

  @Delete(':id/keys/:keyId')
  @HttpCode(204)
  @AnswersNothing()
  revokeKey(@Param('id', UuidPipe) id: string, @Param('keyId', UuidPipe) keyId: string) {
    return this.users.revokeKey(id, keyId);
  }
}
