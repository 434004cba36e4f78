// A writer process for the kill -9 test (test/server/two-instances.test.ts): it writes to a
// book and checkpoints it in a loop, saying on stdout what was acknowledged and when a
// checkpoint starts, until the test kills it. Arguments: database uri, database name, book.
import { contactSchema } from "../../core/contact/contact";
import { connectDatabase } from "../../server/db/models";
import { createContactStore } from "../../server/store/contact-store";

const [uri, dbName, book] = process.argv.slice(2);
const { models } = await connectDatabase(uri, dbName);
const store = createContactStore({ models, clock: () => new Date() });
const say = (line: string) => process.stdout.write(`${line}\n`);

for (let round = 0; ; round++) {
  const ops = Array.from({ length: 200 }, (_, k) => {
    const uid = `c${(round * 137 + k * 7) % 1500}`;
    return { op: "put" as const, uid, contact: contactSchema.parse({ uid, displayName: `Person ${uid} round ${round}` }) };
  });
  const results = await store.applyWrites(book, ops);
  for (const r of results) if (r.etag && r.status !== "error") say(`acked ${r.uid} ${r.etag}`);
  say("checkpoint");
  await store.checkpoint(book);
}
