import {
  getMetadataStorage,
  IsInt,
  IsString,
  MaxLength,
  MetadataStorage,
  ValidateNested,
  validate,
} from 'class-validator';
import { rememberValidationRules } from './validation-rules';

class Base {
  @IsString() @MaxLength(3) name: unknown;
}

class Child extends Base {
  @IsInt() count: unknown;
}

/** A rule's fields, its lists (constraints, groups) copied too: a change inside one shows */
const fieldsOf = (rule: object) =>
  Object.fromEntries(
    Object.entries(rule).map(([k, v]) => [k, Array.isArray(v) ? structuredClone(v) : v]),
  );

const messages = async (o: object) =>
  (await validate(o)).flatMap((e) => Object.values(e.constraints ?? {})).sort();

describe('rememberValidationRules', () => {
  beforeAll(() => rememberValidationRules());

  it('validates as class-validator does, inherited rules included, the same each time', async () => {
    for (let i = 0; i < 2; i++) {
      expect(await messages(Object.assign(new Child(), { name: 'long', count: 'x' }))).toEqual([
        'count must be an integer number',
        'name must be shorter than or equal to 3 characters',
      ]);
      expect(await messages(Object.assign(new Base(), { name: 1 }))).toEqual([
        'name must be a string',
        'name must be shorter than or equal to 3 characters',
      ]);
      expect(await messages(Object.assign(new Child(), { name: 'ok', count: 2 }))).toEqual([]);
    }
  });

  it('looks rules up once per class, and again after a rule is added', async () => {
    const storage = new MetadataStorage();
    const lookUp = jest.spyOn(storage, 'getTargetValidationMetadatas');
    rememberValidationRules(storage);
    storage.getTargetValidationMetadatas(Base, '', false, false);
    const first = storage.getTargetValidationMetadatas(Base, '', false, false);
    expect(storage.getTargetValidationMetadatas(Base, '', false, false)).toBe(first);
    expect(lookUp).toHaveBeenCalledTimes(1);
    // grouped once per answer too
    expect(storage.groupByPropertyName(first)).toBe(storage.groupByPropertyName(first));
    // a class defined later (a rule added): looked up again
    storage.addValidationMetadata(first[0] ?? ({ target: Base, propertyName: 'x' } as never));
    storage.getTargetValidationMetadatas(Base, '', false, false);
    expect(lookUp).toHaveBeenCalledTimes(2);
  });

  it('applies a rule added to a class after its rules were remembered', async () => {
    class Later {
      @IsString() title: unknown;
    }
    expect(await messages(Object.assign(new Later(), { title: 'a', size: 1 }))).toEqual([]);
    IsInt()(Later.prototype, 'size');
    expect(await messages(Object.assign(new Later(), { title: 'a', size: 'big' }))).toEqual([
      'size must be an integer number',
    ]);
  });

  // The memo hands class-validator the same arrays on every validation; that is only sound while
  // the installed class-validator reads them and never changes them. An upgrade that starts to
  // (sorting, splicing, tagging rules) fails here rather than validating wrongly in production.
  it('is handed back unchanged by class-validator after validations of every kind', async () => {
    class Inner {
      @IsInt({ groups: ['g'] }) @IsString({ always: true }) size: unknown;
    }
    class Outer extends Child {
      @ValidateNested({ each: true }) inner: unknown;
    }
    // every answer the memo gives class-validator, as it was when first given
    const storage = getMetadataStorage();
    const memo = storage.getTargetValidationMetadatas;
    const given = new Map<object[], { copy: object[]; fields: object[] }>();
    storage.getTargetValidationMetadatas = ((...args: Parameters<typeof memo>) => {
      const rules = memo.apply(storage, args);
      if (!given.has(rules)) given.set(rules, { copy: [...rules], fields: rules.map(fieldsOf) });
      return rules;
    }) as typeof memo;
    const bad = () =>
      Object.assign(new Outer(), { name: 'long', count: 'x', inner: [new Inner()] });
    try {
      await validate(bad());
      await validate(bad(), { whitelist: true, forbidNonWhitelisted: true });
      await validate(bad(), { groups: ['g'], always: true, strictGroups: true });
      await validate(bad(), { skipMissingProperties: true, stopAtFirstError: true });
      await validate(bad());
    } finally {
      storage.getTargetValidationMetadatas = memo;
    }
    expect(given.size).toBeGreaterThanOrEqual(4);
    for (const [rules, { copy, fields }] of given) {
      expect(rules).toEqual(copy);
      rules.forEach((rule, i) => expect(rule).toBe(copy[i]));
      expect(rules.map(fieldsOf)).toEqual(fields);
    }
  });
});
