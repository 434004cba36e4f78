// A store process for the crash tests: `writers` parallel writers on one book, each putting its own
// group of contacts again and again, one batch per round. It says `start w b` before writer w's
// batch b and `ack w b` once the store answered it; the test kills it (kill -9) at a seeded point.
import { contactSchema } from "../../core/contact/contact";
import { createContactStore } from "../../server/store/contact-store";
import { connectDatabase } from "../../server/db/models";

const [uri, dbName, book, writers, group] = process.argv.slice(2);

export const crashUid = (w: number, i: number) => `w${w}-${i}`;
export const crashContact = (w: number, i: number, b: number) =>
  contactSchema.parse({
    uid: crashUid(w, i),
    displayName: `${w}:${i}:${b}`,
    emails: [{ type: "work", address: `c${w}-${i}@x.test` }],
  });

async function main() {
  const db = await connectDatabase(uri, dbName);
  const store = createContactStore({ models: db.models, clock: () => new Date() });
  const size = Number(group);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const writer = async (w: number) => {
    for (let b = 1; ; b++) {
      const ops = Array.from({ length: size }, (_, i) => ({
        op: "put" as const,
        uid: crashUid(w, i),
        contact: crashContact(w, i, b),
      }));
      say(`start ${w} ${b}`);
      const results = await store.applyWrites(book, ops, { retrySafe: true });
      const bad = results.find((r) => r.status !== "updated");
      say(bad ? `err ${w} ${b} ${JSON.stringify(bad)}` : `ack ${w} ${b}`);
      if (bad) return;
    }
  };
  say("ready");
  await Promise.all(Array.from({ length: Number(writers) }, (_, w) => writer(w)));
}

if (process.argv[1]?.endsWith("writer.ts")) {
  main().catch((err) => {
    process.stdout.write(`fail ${err instanceof Error ? err.message : err}\n`);
    process.exit(1);
  });
}
