// The instance's cache of book contents (server/store/contact-cache.ts) on its own, over a log and
// checkpoints held in memory: what it gives readers, however it holds the versions.
import assert from "node:assert/strict";
import { contactSchema } from "../../core/contact/contact";
import { createContactCache } from "../../server/store/contact-cache";
import { changeOf, storedOf } from "../../server/store/contacts/records";
import type { Checkpoint, StoredVersion, Version } from "../../server/store/contacts/checkpoints";

const version = (seq: number, uid: string, displayName: string): Version => ({
  uid,
  seq,
  etag: `"e${seq}"`,
  deleted: false,
  updatedAt: new Date(1_700_000_000_000 + seq),
  contact: contactSchema.parse({ uid, displayName, emails: [{ type: "work", address: `${uid}@example.com` }] }),
  href: null,
  source: null,
});

function cacheOver(log: Version[]) {
  const written: StoredVersion[][] = [];
  const cache = createContactCache({
    log: {
      read: async (_book, head, after) => ({ docs: log.filter((v) => v.seq > after && v.seq <= head) }) as never,
    },
    checkpoints: {
      load: async () => null,
      write: async (_book, p, horizon, versions) => {
        written.push(versions);
        return { p, horizon, groups: [] } satisfies Checkpoint;
      },
    },
    maxVersions: 1000,
  });
  return { cache, written };
}

describe("contact cache", () => {
  it("gives each read contacts of its own: a reader changing one changes neither the cache nor the next read", async () => {
    const { cache } = cacheOver([version(1, "a", "Ann"), version(2, "b", "Bob")]);
    const first = cache.page(await cache.at("book", 2, 0), 0, 10, () => true).versions.map(storedOf);
    first[0].contact.displayName = "Changed by a reader";
    first[0].contact.emails.push({ type: "home", address: "x@example.com" });
    const found = cache.search(await cache.at("book", 2, 0), { text: "ann" }, 10).versions;
    found[0].contact!.displayName = "Changed by a searcher";

    const again = cache.page(await cache.at("book", 2, 0), 0, 10, () => true).versions.map(storedOf);
    assert.deepEqual(
      again.map((v) => [v.uid, v.contact.displayName, v.contact.emails.length]),
      [
        ["a", "Ann", 1],
        ["b", "Bob", 1],
      ],
    );
    assert.equal(
      cache.search(await cache.at("book", 2, 0), { text: "ann" }, 10).versions[0].contact?.displayName,
      "Ann",
    );
  });

  it("gives back a published version as it was written, its time and links included", async () => {
    const { cache } = cacheOver([]);
    const v = { ...version(1, "a", "Ann"), href: "/x/a.vcf", source: "outlook" };
    cache.published("book", 0, 1, [v]);
    const [read] = cache.page(await cache.at("book", 1, 0), 0, 10, () => true).versions;
    assert.deepEqual(storedOf(read), {
      uid: "a",
      etag: v.etag,
      seq: 1,
      contact: v.contact,
      href: v.href,
      source: v.source,
    });
    assert.deepEqual(changeOf(read), {
      uid: "a",
      etag: v.etag,
      deleted: false,
      modifiedAt: v.updatedAt.toISOString(),
      contact: v.contact,
      href: v.href,
    });
  });

  it("checkpoints every current version with its contact, as the JSON text it keeps", async () => {
    const { cache, written } = cacheOver([version(1, "a", "Ann"), version(2, "b", "Bob"), version(3, "a", "Anna")]);
    await cache.checkpoint("book", 3, 0);
    assert.equal(written.length, 1);
    assert.deepEqual(
      written[0].map((v) => [v.uid, v.seq, JSON.parse(v.text!).displayName, v.updatedAt.getTime()]),
      [
        ["b", 2, "Bob", 1_700_000_000_002],
        ["a", 3, "Anna", 1_700_000_000_003],
      ],
    );
  });
});
