import type { FastifyRequest } from 'fastify';
import { InvalidInputError } from '@app/domain';

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
    try {
      const file = await req.file();
      r[FILE] = file ? { fieldname: file.fieldname, bytes: await file.toBuffer() } : null;
    } catch (err) {
      // a limit (413) or a wrong content type (406/415) says so itself; anything else the
      // parser refused is a body cut off or malformed, which is the client's to fix
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== undefined && status >= 400 && status < 500) throw err;
      throw new InvalidInputError(
        'the multipart body is incomplete or malformed (cut off before its closing boundary?): send the whole file again',
        { field: 'photo' },
      );
    }
  }
  return r[FILE] ?? undefined;
}
