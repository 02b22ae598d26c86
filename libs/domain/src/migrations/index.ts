import { InitialSchema1764115200000 } from './1764115200000-initial-schema';

/** Every migration, in order. Listed here (not globbed) so the compiled apps need no file scan. */
export const MIGRATIONS = [InitialSchema1764115200000];
