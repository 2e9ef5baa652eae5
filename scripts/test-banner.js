// Printed before `npm test`: which databases this run covers.
if (process.env.KITH_TEST_DATABASE_URL) {
  console.log(
    "Kith tests: every storage test runs on SQLite and on PostgreSQL (KITH_TEST_DATABASE_URL is set).",
  );
} else {
  console.log(
    "Kith tests: SQLite only. The PostgreSQL pass is SKIPPED: set KITH_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres to run it.",
  );
}
