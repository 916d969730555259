import { SQLDatabase } from "encore.dev/storage/sqldb";

// Encore creates the database and applies ./migrations when the app starts.
export const db = new SQLDatabase("hello", { migrations: "./migrations" });
