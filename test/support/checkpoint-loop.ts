// A checkpointing process for the kill -9 test (test/server/two-instances.test.ts): it brings
// its cache of a book up to date and writes the book's checkpoint, over and over, saying on
// stdout when each starts, until the test kills it. Arguments: database uri, database name, book.
import { connectDatabase } from "../../server/db/models";
import { createContactStore } from "../../server/store/contact-store";

const [uri, dbName, book] = process.argv.slice(2);
const { models } = await connectDatabase(uri, dbName);
const store = createContactStore({ models, clock: () => new Date() });

for (;;) {
  process.stdout.write("checkpoint\n");
  if (!(await store.checkpoint(book))) await new Promise((r) => setTimeout(r, 5));
}
