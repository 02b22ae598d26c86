import { IsInt, IsString, MaxLength, MetadataStorage, validate } from 'class-validator';
import { rememberValidationRules } from './validation-rules';

class Base {
  @IsString() @MaxLength(3) name: unknown;
}

class Child extends Base {
  @IsInt() count: unknown;
}

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
});
