import type { Queryable } from '../db/db.js';

export interface UserRow {
  id: string;
  username: string;
  passwordHash: string;
  role: 'owner';
  createdAt: Date;
}

const columns = `id, username, password_hash as "passwordHash", role, created_at as "createdAt"`;

export class UsersRepository {
  constructor(private readonly db: Queryable) {}

  async findOwner(q: Queryable = this.db): Promise<UserRow | null> {
    const rows = await q.query<UserRow>(
      `select ${columns} from users where role = 'owner' order by created_at limit 1`,
    );
    return rows[0] ?? null;
  }

  async findById(id: string, q: Queryable = this.db): Promise<UserRow | null> {
    const rows = await q.query<UserRow>(`select ${columns} from users where id = $1`, [id]);
    return rows[0] ?? null;
  }

  async createOwner(username: string, passwordHash: string, q: Queryable = this.db): Promise<UserRow> {
    const rows = await q.query<UserRow>(
      `insert into users (username, password_hash, role) values ($1, $2, 'owner') returning ${columns}`,
      [username, passwordHash],
    );
    return rows[0] as UserRow;
  }
}
