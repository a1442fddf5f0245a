import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IMPORT_MODES, ImportMode } from '../import/customer-import.entity';

export class StartImportDto {
  @ApiPropertyOptional({
    enum: IMPORT_MODES,
    default: 'partial',
    description: 'partial: good rows are imported and bad ones reported; all_or_nothing: any refused row undoes the whole import',
  })
  @IsOptional()
  @IsIn(IMPORT_MODES)
  mode: ImportMode = 'partial';

  @ApiPropertyOptional({ description: 'the number of data rows in the file, if known: progress is shown against it' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  expectedRows?: number;
}
