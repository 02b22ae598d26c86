/* The floors bench:api compares us with, in a process of their own so their CPU per request
   can be read (GET /cpu): bare Node http doing one mysql2 statement and nothing else —
   a primary-key read (FLOOR_READ_PORT) or an INSERT (FLOOR_WRITE_PORT). */
import { randomUUID } from 'node:crypto';
import { createServer, ServerResponse } from 'node:http';
import { createPool } from 'mysql2/promise';

const env = process.env as Record<string, string>;
const pool = createPool({
  host: '127.0.0.1',
  port: Number(env.DB_PORT),
  user: env.DB_USER,
  password: env.DB_PASSWORD,
  database: env.DB_NAME,
  connectionLimit: 40,
});
const answer = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

createServer((req, res) => {
  if (req.url === '/cpu') return answer(res, 200, process.cpuUsage());
  pool
    .query('SELECT * FROM projects WHERE id = ? AND owner_user_id = ?', [
      env.FLOOR_PROJECT_ID,
      env.FLOOR_USER_ID,
    ])
    .then(
      ([rows]) => answer(res, 200, (rows as unknown[])[0]),
      () => res.writeHead(500).end(),
    );
}).listen(Number(env.FLOOR_READ_PORT), '127.0.0.1');

createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c));
  req.on('end', () => {
    const id = randomUUID();
    pool
      .query(
        "INSERT INTO stores (id, owner_user_id, name, source, created_at, updated_at) VALUES (?, ?, ?, 'manual', NOW(3), NOW(3))",
        [id, env.FLOOR_USER_ID, (JSON.parse(body) as { name: string }).name],
      )
      .then(
        () => answer(res, 201, { id }),
        () => res.writeHead(500).end(),
      );
  });
}).listen(Number(env.FLOOR_WRITE_PORT), '127.0.0.1');
