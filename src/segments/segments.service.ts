import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, QueryFailedError } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError } from '../common/domain-error';
import { Page, PageQuery } from '../common/pagination';
import { RISK_LEVELS, RiskLevel } from '../customers/customer.entity';
import { CreateSegmentDto } from './dto/create-segment.dto';
import { SegmentFieldDto } from './dto/segment-field.dto';
import { SegmentPreviewDto } from './dto/segment-preview.dto';
import { UpdateSegmentDto } from './dto/update-segment.dto';
import { maskName, maskPhone } from '../common/personal-data.mask';
import { operatorsFor, SEGMENT_FIELDS } from './segment-field.catalogue';
import { CompiledSegment, compileSegmentRule } from './segment-rule.compiler';
import { Segment } from './segment.entity';
import { SegmentsRepository } from './segments.repository';

const SAMPLE_SIZE = 10;

@Injectable()
export class SegmentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly segments: SegmentsRepository,
    private readonly clock: Clock,
  ) {}

  /** The fields a rule may use, with their operators: what a rule builder offers. */
  fields(): SegmentFieldDto[] {
    return [...SEGMENT_FIELDS.values()].map((field) => ({
      name: field.name,
      type: field.type,
      operators: operatorsFor(field),
      ...(field.values ? { values: field.values } : {}),
      nullable: field.nullable,
      description: field.description,
    }));
  }

  async create(input: CreateSegmentDto, ownerId: string): Promise<Segment> {
    this.validate(input.rule);
    const repository = this.db.getRepository(Segment);
    return this.unique(input.name, () =>
      repository.save(repository.create({ name: input.name, description: input.description ?? null, rule: input.rule, ownerId })),
    );
  }

  async list(page: PageQuery): Promise<Page<Segment>> {
    const [items, total] = await this.db
      .getRepository(Segment)
      .findAndCount({ order: { name: 'ASC' }, take: page.limit, skip: page.offset });
    return { items, total, limit: page.limit, offset: page.offset };
  }

  async get(id: string): Promise<Segment> {
    const segment = await this.db.getRepository(Segment).findOneBy({ id });
    if (!segment) throw new NotFoundError('segment', id);
    return segment;
  }

  async update(id: string, { name, description, rule }: UpdateSegmentDto): Promise<Segment> {
    if (rule !== undefined) this.validate(rule);
    const segment = await this.get(id);
    if (name !== undefined) segment.name = name;
    if (description !== undefined) segment.description = description;
    if (rule !== undefined) segment.rule = rule;
    return this.unique(segment.name, () => this.db.getRepository(Segment).save(segment));
  }

  async remove(id: string): Promise<void> {
    try {
      const { affected } = await this.db.getRepository(Segment).delete({ id });
      if (!affected) throw new NotFoundError('segment', id);
    } catch (error) {
      // A campaign's audience: deleting it would leave the campaign selecting nobody knows whom.
      if (error instanceof QueryFailedError && (error as { code?: string }).code === '23001') {
        throw new DomainError('SEGMENT_IN_USE', 'a campaign uses this segment as its audience', HttpStatus.CONFLICT, [
          { field: 'id', reason: 'is the audience of a campaign' },
        ]);
      }
      throw error;
    }
  }

  /** Count, risk breakdown and a masked sample of the customers a rule selects right now. */
  async preview(rule: unknown): Promise<SegmentPreviewDto> {
    const at = this.clock.now();
    const { counts, sample: rows } = await this.segments.preview(compileSegmentRule(rule, { now: at }), SAMPLE_SIZE);
    const byRiskLevel = Object.fromEntries(RISK_LEVELS.map((level) => [level, 0])) as Record<RiskLevel, number>;
    for (const { riskLevel, count } of counts) byRiskLevel[riskLevel] = count;
    const sample = rows.map(({ fullName, phone, ...row }) => ({
      ...row,
      name: maskName(fullName),
      phone: phone === null ? null : maskPhone(phone),
    }));
    return { count: counts.reduce((sum, { count }) => sum + count, 0), byRiskLevel, sample, at };
  }

  async previewSaved(id: string): Promise<SegmentPreviewDto> {
    return this.preview((await this.get(id)).rule);
  }

  /**
   * The audience of a saved segment at `now`, as a condition over `customers c` for other
   * features to embed (campaign materialisation), placeholders numbered from `firstParam`.
   */
  async audienceCondition(segmentId: string, now: Date, firstParam = 1): Promise<CompiledSegment> {
    return compileSegmentRule((await this.get(segmentId)).rule, { now, firstParam });
  }

  private validate(rule: unknown): void {
    compileSegmentRule(rule, { now: this.clock.now() });
  }

  private async unique<T>(name: string, save: () => Promise<T>): Promise<T> {
    try {
      return await save();
    } catch (error) {
      if (error instanceof QueryFailedError && (error as { code?: string }).code === '23505') {
        throw new DomainError('SEGMENT_NAME_TAKEN', `a segment named "${name}" exists`, HttpStatus.CONFLICT, [
          { field: 'name', reason: 'is taken' },
        ]);
      }
      throw error;
    }
  }
}
