import { sayProblems } from './form-problems.rules';

describe('sayProblems', () => {
  it('says a segment value out of range by its place in the rule, in both languages, with no path or code', () => {
    const problem = { field: 'rule.all.0.value', reason: 'must be a whole number from -2147483648 to 2147483647' };
    expect(sayProblems([problem], 'en')).toEqual([
      {
        field: 'rule.all.0.value',
        label: 'Rule, condition 1, value',
        message: 'must be a whole number from -2147483648 to 2147483647',
      },
    ]);
    expect(sayProblems([problem], 'zh-CN')[0]).toMatchObject({
      label: '规则第 1 个条件的取值',
      message: '必须是 -2147483648 到 2147483647 之间的整数',
    });
  });

  it('says a call back without a time as the agent would', () => {
    const [said] = sayProblems([{ field: 'callBackAt', reason: 'required with call_back_at, not allowed otherwise' }], 'en');
    expect(said).toEqual({
      field: 'callBackAt',
      label: 'Call back at',
      message: 'is needed for a call back: pick a date and time',
    });
    expect(
      sayProblems([{ field: 'callBackAt', reason: 'required with call_back_at, not allowed otherwise' }], 'zh-CN')[0].message,
    ).toBe('选择“约定回电”时必须填写回电时间');
  });

  it('says an outcome the call does not offer next to the outcome field', () => {
    const problem = { field: 'code', reason: 'is not an outcome of this fraud call' };
    expect(sayProblems([problem], 'en')[0]).toEqual({
      field: 'code',
      label: 'Outcome',
      message: 'is not an outcome of this fraud call',
    });
    expect(sayProblems([problem], 'zh-CN')[0]).toMatchObject({ label: '通话结果', message: '不是本次欺诈核实通话可选的结果' });
  });

  it('names unknown fields in words and unknown reasons as "not valid", never as the code', () => {
    const [said] = sayProblems([{ field: 'steps.0.channelPlan', reason: 'frobnicates the quux' }], 'en');
    expect(said.label).toBe('Steps, row 1: Channel plan');
    expect(said.message).toBe('is not valid');
    expect(sayProblems([{ field: 'steps.0.channelPlan', reason: 'x' }], 'zh-CN')[0]).toMatchObject({
      label: '步骤第 1 行：channel plan',
      message: '无效',
    });
  });

  it('says a contact-log customer nobody has', () => {
    expect(
      sayProblems([{ field: 'customer', reason: 'no customer has this id, reference or phone number' }], 'zh-CN')[0],
    ).toEqual({
      field: 'customer',
      label: '客户',
      message: '没有找到这个编号、客户编号或手机号对应的客户',
    });
  });
});
