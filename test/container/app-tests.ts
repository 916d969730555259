// The app the test-command container tests run: a copy of examples/hello with a `test` script
// (`node --test`) and one test file that speaks to the database it is given.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HelloCopy } from "./toolbox.ts";

// A node:test file that speaks to the database the way a client starts: an SSLRequest, which
// only a PostgreSQL server answers, with a single "S" or "N". DB_TEST_FAIL makes one test fail.
const DB_TEST = `import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";

test("the test database answers as PostgreSQL", async () => {
  const address = process.env.ENCORE_DOUBLE_SQLDB_HOST;
  assert.ok(address, "encore test gave the tests a database");
  const at = address.lastIndexOf(":");
  const reply = await new Promise((resolve, reject) => {
    const socket = net.connect({ host: address.slice(0, at), port: Number(address.slice(at + 1)) }, () => socket.write(Buffer.from([0, 0, 0, 8, 4, 210, 22, 47])));
    socket.once("data", (data) => (socket.destroy(), resolve(data.toString("latin1"))));
    socket.once("error", reject);
    socket.once("close", () => reject(new Error("closed without an answer")));
  });
  assert.match(reply, /^[SN]$/);
  console.log("database " + address + " answered " + reply);
});

test("greets", () => {
  assert.equal(process.env.DB_TEST_FAIL ? "no" : "yes", "yes");
});
`;

/** Adds the `test` script and hello/db.test.mjs to a copy of examples/hello. */
export function addDatabaseTests(copy: HelloCopy): HelloCopy {
  const pkgFile = join(copy.dir, "package.json");
  const pkg = JSON.parse(readFileSync(pkgFile, "utf8"));
  writeFileSync(pkgFile, `${JSON.stringify({ ...pkg, scripts: { test: "node --test" } }, null, 2)}\n`);
  writeFileSync(join(copy.dir, "hello", "db.test.mjs"), DB_TEST);
  return copy;
}
