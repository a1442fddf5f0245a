import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ListScope } from '../auth/agent-access.service';
import { Discloses } from '../auth/personal-data.interceptor';
import { AgentScope, Roles, ScopeOfList } from '../auth/roles.decorator';
import { UuidPipe } from '../common/uuid.pipe';
import { CustomersService } from './customers.service';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { SearchCustomersDto } from './dto/search-customers.dto';
import { UpdateCustomerDto } from './dto/update-customer.dto';
import { Answers, AnswersPage, entitySchema } from '../common/api-responses';
import { Customer } from './customer.entity';

const CUSTOMER = entitySchema(Customer);

@ApiTags('customers')
@Controller('customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @Roles('admin', 'campaign_manager', 'ops')
  @Discloses('customer', 'detail')
  @Answers(CUSTOMER, { status: 201 })
  create(@Body() body: CreateCustomerDto) {
    return this.customers.create(body);
  }

  @Get()
  @Roles('admin', 'campaign_manager', 'ops', 'agent')
  @Discloses('customer', 'list')
  @AnswersPage(CUSTOMER, { cursor: true, description: 'by reference; personal data masked by role' })
  search(@Query() query: SearchCustomersDto, @ScopeOfList() scope?: ListScope) {
    return this.customers.search(query, scope);
  }

  @Get(':id')
  @Roles('admin', 'campaign_manager', 'ops', 'agent')
  @AgentScope({ customer: 'id' })
  @Discloses('customer', 'detail')
  @Answers(CUSTOMER)
  get(@Param('id', UuidPipe) id: string) {
    return this.customers.get(id);
  }

  @Patch(':id')
  @Roles('admin', 'campaign_manager', 'ops')
  @Discloses('customer', 'detail')
  @Answers(CUSTOMER)
  update(@Param('id', UuidPipe) id: string, @Body() body: UpdateCustomerDto) {
    return this.customers.update(id, body);
  }
}
