import { ArgumentMetadata, BadRequestException } from '@nestjs/common';
import { ProjectListQuery } from '../projects/project.dto';
import { CreateStoreDto } from '../stores/store.dto';
import { requestValidation, restValidation } from './request-validation';

describe('REST validation of queries', () => {
  const asQuery: ArgumentMetadata = { type: 'query', metatype: ProjectListQuery };
  /** Fastify's parsed query: an object without a prototype */
  const query = (q: Record<string, string | undefined>) => Object.assign(Object.create(null), q);

  it('validates a query once and answers the same one again from memory, unchangeable', async () => {
    const pipe = restValidation();
    const validate = jest.spyOn(Object.getPrototypeOf(Object.getPrototypeOf(pipe)), 'transform');
    const first = await pipe.transform(query({ limit: '20', state: 'DONE' }), asQuery);
    expect(first).toBeInstanceOf(ProjectListQuery);
    expect(first).toEqual({ limit: 20, state: 'DONE' });
    const again = await pipe.transform(query({ limit: '20', state: 'DONE' }), asQuery);
    expect(again).toBe(first);
    expect(Object.isFrozen(again)).toBe(true);
    expect(validate).toHaveBeenCalledTimes(1);
    // another query is validated on its own
    expect(await pipe.transform(query({ limit: '5' }), asQuery)).toEqual({ limit: 5 });
    expect(validate).toHaveBeenCalledTimes(2);
    validate.mockRestore();
  });

  it('refuses a bad query every time it comes, and remembers no refusal as valid', async () => {
    const pipe = restValidation();
    for (const bad of [{ limit: '0' }, { limit: '0' }, { state: 'NOPE' }, { sneaky: 'x' }])
      await expect(pipe.transform(query(bad), asQuery)).rejects.toBeInstanceOf(BadRequestException);
  });

  it('validates bodies every time', async () => {
    const pipe = restValidation();
    const body: ArgumentMetadata = { type: 'body', metatype: ProjectListQuery };
    const a = await pipe.transform({ limit: 20 }, body);
    expect(await pipe.transform({ limit: 20 }, body)).not.toBe(a);
  });
});

describe('REST and MCP validation of bodies', () => {
  const asBody: ArgumentMetadata = { type: 'body', metatype: CreateStoreDto };
  const refusal = async (pipe: ReturnType<typeof restValidation>, body: unknown) => {
    const err = await pipe.transform(body, asBody).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestException);
    return ((err as BadRequestException).getResponse() as { message: string[] }).message;
  };

  it('says a missing field is required, on both pipes', async () => {
    for (const pipe of [restValidation(), requestValidation()])
      expect(await refusal(pipe, {})).toEqual(['name is required']);
  });

  it("keeps a sent field's own messages, in nested fields too, and refuses unknown ones", async () => {
    const pipe = restValidation();
    expect(await refusal(pipe, { name: '' })).toEqual(['name should not be empty']);
    expect(await refusal(pipe, { name: 7 })).toEqual([
      'name must be shorter than or equal to 200 characters',
      'name must be a string',
    ]);
    expect(await refusal(pipe, { name: 'a', menu: [{ price: 1000 }] })).toEqual([
      'menu.0.name is required',
    ]);
    expect(await refusal(pipe, { name: 'a', menu: [{ name: 5 }] })).toEqual([
      'menu.0.name must be shorter than or equal to 60 characters',
      'menu.0.name must be a string',
    ]);
    expect(await refusal(pipe, { name: 'a', extra: 1 })).toEqual([
      'property extra should not exist',
    ]);
  });
});
