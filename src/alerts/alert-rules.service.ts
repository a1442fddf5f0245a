import { HttpStatus, Injectable } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError } from '../common/domain-error';
import { PageQuery } from '../common/pagination';
import { compileSegmentRule } from '../segments/segment-rule.compiler';
import { AlertRuleFields, AlertRulesRepository, AlertRuleView } from './alert-rules.repository';
import { ruleReads } from './alert-rule.rules';
import { CreateAlertRuleDto } from './dto/create-alert-rule.dto';
import { UpdateAlertRuleDto } from './dto/update-alert-rule.dto';

/** Alert rules: the risk manager's conditions in the segment language, with severity, queue and SLA. */
@Injectable()
export class AlertRulesService {
  constructor(
    private readonly rules: AlertRulesRepository,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateAlertRuleDto, ownerId: string): Promise<AlertRuleView> {
    const { properties, timeDriven } = ruleReads(input.rule);
    const fields: AlertRuleFields = {
      name: input.name,
      description: input.description ?? null,
      rule: input.rule,
      reads: properties,
      scheduled: input.scheduled ?? timeDriven,
      severity: input.severity,
      queue: input.queue,
      slaMinutes: input.slaMinutes,
      closeOnExit: input.closeOnExit,
      enabled: input.enabled,
    };
    return this.unique(fields.name, () => this.rules.insert(fields, ownerId, this.clock.now()));
  }

  list(page: PageQuery) {
    return this.rules.list(page);
  }

  async get(id: string): Promise<AlertRuleView> {
    const rule = await this.rules.get(id);
    if (!rule) throw new NotFoundError('alert rule', id);
    return rule;
  }

  /** A new condition re-derives what it reads; `scheduled` follows it unless given. */
  async update(id: string, input: UpdateAlertRuleDto): Promise<AlertRuleView> {
    const current = await this.get(id);
    const reads = input.rule === undefined ? undefined : ruleReads(input.rule);
    const fields: AlertRuleFields = {
      name: input.name ?? current.name,
      description: input.description === undefined ? current.description : input.description,
      rule: input.rule ?? current.rule,
      reads: reads?.properties ?? current.reads,
      scheduled: input.scheduled ?? (reads ? reads.timeDriven : current.scheduled),
      severity: input.severity ?? current.severity,
      queue: input.queue ?? current.queue,
      slaMinutes: input.slaMinutes ?? current.slaMinutes,
      closeOnExit: input.closeOnExit ?? current.closeOnExit,
      enabled: input.enabled ?? current.enabled,
    };
    const updated = await this.unique(fields.name, () => this.rules.update(id, fields, this.clock.now()));
    if (!updated) throw new NotFoundError('alert rule', id);
    return updated;
  }

  /** "This rule would fire for N customers today": how many meet it now, before it is saved. */
  async dryRun(rule: unknown): Promise<{ wouldFire: number; at: Date }> {
    const at = this.clock.now();
    ruleReads(rule);
    const { where, params } = compileSegmentRule(rule, { now: at });
    return { wouldFire: await this.rules.count(where, params), at };
  }

  private async unique<T>(name: string, save: () => Promise<T>): Promise<T> {
    try {
      return await save();
    } catch (error) {
      if (error instanceof QueryFailedError && (error as { code?: string }).code === '23505') {
        throw new DomainError('ALERT_RULE_NAME_TAKEN', `an alert rule named "${name}" exists`, HttpStatus.CONFLICT, [
          { field: 'name', reason: 'is taken' },
        ]);
      }
      throw error;
    }
  }
}
