import { OmitType, PartialType } from '@nestjs/swagger';
import { CreateCustomerDto } from './create-customer.dto';

/** Changes to a profile; the external reference is the core system's and does not change here. */
export class UpdateCustomerDto extends PartialType(OmitType(CreateCustomerDto, ['externalRef'] as const)) {}
