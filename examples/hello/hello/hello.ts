import { api } from "encore.dev/api";
import { db } from "./db";

interface HelloParams {
  name: string;
}

interface HelloResponse {
  message: string;
  /** How many times this name has been greeted, this call included. */
  count: number;
}

// GREETING comes from .env.local (dev.env_file in stagecraft.yml) or the environment.
const greeting = process.env.GREETING ?? "Hello";

/** Greets `name` and records the greeting in the database. */
export const hello = api(
  { expose: true, method: "GET", path: "/hello/:name" },
  async ({ name }: HelloParams): Promise<HelloResponse> => {
    await db.exec`INSERT INTO greetings (name) VALUES (${name})`;
    const row = await db.queryRow<{ count: number }>`
      SELECT COUNT(*)::int AS count FROM greetings WHERE name = ${name}
    `;
    return { message: `${greeting}, ${name}!`, count: row?.count ?? 0 };
  },
);
