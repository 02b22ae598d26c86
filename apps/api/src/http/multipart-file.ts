import type { FastifyRequest } from 'fastify';

const FILE = Symbol('castad.multipartFile');

export interface UploadedFile {
  fieldname: string;
  bytes: Buffer;
}

type Req = FastifyRequest & { [FILE]?: UploadedFile | null };

/**
 * The first file of a multipart request, read once (the stream can only be read once): the
 * Idempotency-Key check fingerprints it before the handler, which then gets the same bytes.
 * Past the multipart limit, toBuffer() refuses with 413.
 */
export async function firstFile(req: FastifyRequest): Promise<UploadedFile | undefined> {
  const r = req as Req;
  if (r[FILE] === undefined) {
    const file = await req.file();
    r[FILE] = file ? { fieldname: file.fieldname, bytes: await file.toBuffer() } : null;
  }
  return r[FILE] ?? undefined;
}
