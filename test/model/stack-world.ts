// The whole stack a model history runs against: the real server app over the embedded FerretDB,
// listening on loopback; four users (Ann owns a PAB shared read-write with Ben; two admins); three
// fake Graph mailboxes; six pairs synced by the real add-in session (syncPair): Ann's folder from two
// devices, Ben's copy of Ann's PAB, and the GAB in both admins' and Ben's mailboxes. Every request of a
// sync goes through one fetch hook that pages the change feed two by two, lands a user's action between
// requests, and kills the sync after N writes.
import { CLAIM_SECONDS } from "../../addin/sync/pair-claim";
import { createGraphStore } from "../../addin/outlook/graph-store";
import { createServerApi, type Book, type ServerApi } from "../../addin/server-api";
import { graphCodec } from "../../addin/sync/outlook-codec";
import { syncPair, type SyncOutcome } from "../../addin/sync/sync-session";
import type { Contact } from "../../core/contact/contact";
import type { ConflictPolicy } from "../../core/sync/sync-types";
import { concordUidOf, type GraphContact } from "../../core/formats/outlook/graph-contact";
import { createFakeGraph, type FakeGraph } from "../fakes/fake-graph";
import { testApp } from "../support/app";
import { listeners } from "../e2e/support/listen";
import { confirming } from "./confirm";
import { createOracle, type BookKey, type FieldKey, type Item, type Mode, type Place } from "./oracle";

export const pairKeys = ["A1", "A2", "B", "G1", "G2", "GB"] as const;
export type PairKey = (typeof pairKeys)[number];
export const folderKeys = ["FA", "FB", "FG1", "FG2", "FGB"] as const;
export type FolderKey = (typeof folderKeys)[number];
type UserKey = "ann" | "ben" | "root1" | "root2";
type BoxKey = "ann" | "ben" | "root1" | "root2";

const pairs: Record<PairKey, { user: UserKey; device: string; folder: FolderKey; book: BookKey }> = {
  A1: { user: "ann", device: "ann-laptop", folder: "FA", book: "pab" },
  A2: { user: "ann", device: "ann-desktop", folder: "FA", book: "pab" },
  B: { user: "ben", device: "ben-laptop", folder: "FB", book: "pab" },
  G1: { user: "root1", device: "root1-pc", folder: "FG1", book: "gab" },
  G2: { user: "root2", device: "root2-pc", folder: "FG2", book: "gab" },
  GB: { user: "ben", device: "ben-laptop", folder: "FGB", book: "gab" },
};
const folders: Record<FolderKey, { box: BoxKey; name: string; book: BookKey }> = {
  FA: { box: "ann", name: "Team", book: "pab" },
  FB: { box: "ben", name: "Ann's team", book: "pab" },
  FG1: { box: "root1", name: "Company", book: "gab" },
  FG2: { box: "root2", name: "Company", book: "gab" },
  FGB: { box: "ben", name: "Company", book: "gab" },
};
export const bookPlaces: Record<BookKey, Place[]> = {
  pab: ["server:pab", "FA", "FB"],
  gab: ["server:gab", "FG1", "FG2", "FGB"],
};

export const names = ["Ann Lee", "Bob Ray", "Cy Dee"];
export const primaryEmails = ["ann@x.com", "bob@x.com", "team@x.com"];
export const extraEmails = ["x1@y.org", "x2@y.org"];
export const phones = ["+1 555 0100", "+1 555 0101"];

/** One mid-sync user action: run just before the n-th request of that kind the sync sends. */
export type Trigger = { on: "feed-page" | "outlook-read" | "write"; n: number; run: () => Promise<void> };

type Net = {
  writes: number;
  feedPages: number;
  outlookReads: number;
  killAfter?: number;
  dead: boolean;
  trigger?: Trigger;
};

const personTag = /^person-\d+$/;
const dayMs = 86_400_000;

export async function openWorld() {
  const t = await testApp({ env: { TOKEN_TTL_HOURS: "1000000", TOMBSTONE_RETENTION_DAYS: "1" } });
  const net = listeners();
  const serverUrl = await net.listen(t.app);
  const oracle = createOracle();
  const state: Net = { writes: 0, feedPages: 0, outlookReads: 0, dead: false };

  /** Every request of a sync passes here. */
  function hooked(kind: "server" | "outlook"): typeof fetch {
    return async (input, init) => {
      if (state.dead) throw new TypeError("Failed to fetch");
      let url = String(input);
      const method = init?.method ?? "GET";
      let on: Trigger["on"] | undefined;
      let count = 0;
      if (method !== "GET") {
        count = ++state.writes;
        on = "write";
        if (state.killAfter !== undefined && state.writes > state.killAfter) {
          state.dead = true;
          throw new TypeError("Failed to fetch");
        }
      } else if (kind === "server" && url.includes("/changes?")) {
        // Small pages, so deletions and edits can land between two pages of one read.
        url = url.replace(/limit=\d+/, "limit=2");
        count = ++state.feedPages;
        on = "feed-page";
      } else if (kind === "outlook") {
        count = ++state.outlookReads;
        on = "outlook-read";
      }
      const trigger = state.trigger;
      if (trigger && trigger.on === on && trigger.n === count) {
        state.trigger = undefined;
        await trigger.run();
      }
      return fetch(url, init);
    };
  }

  async function openUser(username: UserKey, admin: boolean) {
    const user = await t.user(username, { admin });
    const rest = createServerApi({ baseUrl: serverUrl, getToken: () => user.token });
    const api = createServerApi({ baseUrl: serverUrl, getToken: () => user.token, fetch: hooked("server") });
    return { ...user, admin, rest, api };
  }
  const users = {
    ann: await openUser("ann", false),
    ben: await openUser("ben", false),
    root1: await openUser("root1", true),
    root2: await openUser("root2", true),
  };
  const bookIds: Record<BookKey, string> = { pab: users.ann.primaryBook, gab: "gab" };
  await share("write");

  const boxes = {} as Record<BoxKey, { graph: FakeGraph; store: ReturnType<typeof createGraphStore>; archive: string }>;
  for (const key of ["ann", "ben", "root1", "root2"] as const) {
    // Outlook and the server read one wall clock (the app's, which the model advances), for newest-wins.
    const graph = createFakeGraph({ clock: t.deps.clock, defaultPageSize: 2 });
    const graphUrl = `${await net.listen(graph.app)}/v1.0`;
    const store = createGraphStore({
      getToken: async () => graph.token,
      baseUrl: graphUrl,
      sleep: async () => {},
      fetch: hooked("outlook"),
      pageSize: 2,
    });
    boxes[key] = { graph, store, archive: graph.addFolder("Archive").id };
  }
  const folderIds = {} as Record<FolderKey, string>;
  for (const key of folderKeys)
    folderIds[key] = (await boxes[folders[key].box].store.ensureFolder(folders[key].name)).id;

  async function share(access: "read" | "write") {
    const res = await fetch(`${serverUrl}/api/books/${bookIds.pab}/shares/ben`, {
      method: "PUT",
      headers: { authorization: `Bearer ${users.ann.token}`, "content-type": "application/json" },
      body: JSON.stringify({ access }),
    });
    if (res.status !== 200) throw new Error(`share: ${res.status} ${await res.text()}`);
  }

  async function promoteBen() {
    await t.deps.accounts.updateUser("ben", { admin: true });
    users.ben.admin = true;
  }

  async function currentBook(pair: PairKey): Promise<Book> {
    const { user, book } = pairs[pair];
    const found = (await users[user].rest.listBooks()).find((b) => b.id === bookIds[book]);
    if (!found) throw new Error(`${user} no longer sees ${book}`);
    return found;
  }

  /** The mode the contract gives a pair: read-only books are pulled, everything else two-way (publish only when asked). */
  async function expectedMode(pair: PairKey): Promise<Mode> {
    return (await currentBook(pair)).access === "read" ? "pull" : "two-way";
  }

  // ---- reading each side, as items of the oracle ----

  const graphItem = (
    place: Place,
    c: FakeGraph["mailbox"]["contacts"] extends Map<string, infer V> ? V : never,
  ): Item => {
    const p = c.properties as Record<string, unknown>;
    const categories = (p.categories as string[] | undefined) ?? [];
    const emails = ((p.emailAddresses as { address: string }[] | undefined) ?? []).map((e) => e.address.toLowerCase());
    const phoneList = (p.businessPhones as string[] | undefined) ?? [];
    return {
      place,
      ref: `${c.id} uid ${concordUidOf({ singleValueExtendedProperties: [...c.extended].map(([id, value]) => ({ id, value })) } as GraphContact) ?? "-"}`,
      persons: categories.filter((x) => personTag.test(x)),
      notes: p.personalNotes as string | undefined,
      fields: (key) =>
        fieldOf(key, { jobTitle: p.jobTitle as string, company: p.companyName as string, emails, phones: phoneList }),
    };
  };

  async function serverContacts(book: BookKey): Promise<Contact[]> {
    const out: Contact[] = [];
    let since: string | undefined;
    for (;;) {
      const page = await t.deps.store.changesSince(bookIds[book], since, 1000);
      out.push(...page.changes.flatMap((c) => (c.contact ? [c.contact] : [])));
      if (!page.more) return out;
      since = page.token;
    }
  }

  const serverItem = (place: Place, c: Contact): Item => ({
    place,
    ref: c.uid,
    persons: c.categories.filter((x) => personTag.test(x)),
    notes: c.notes,
    fields: (key) =>
      fieldOf(key, {
        jobTitle: c.jobTitle,
        company: c.company,
        emails: c.emails.map((e) => e.address.toLowerCase()),
        phones: c.phones.map((x) => x.number),
      }),
  });

  async function itemsAt(place: Place): Promise<Item[]> {
    if (place.startsWith("server:")) {
      const book = place.slice("server:".length) as BookKey;
      return (await serverContacts(book)).map((c) => serverItem(place, c));
    }
    const key = place as FolderKey;
    return boxes[folders[key].box].graph.mailbox
      .contactsIn(folderIds[key])
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((c) => graphItem(place, c));
  }

  async function allItems(): Promise<Map<Place, Item[]>> {
    const out = new Map<Place, Item[]>();
    for (const place of [...bookPlaces.pab, ...bookPlaces.gab]) out.set(place, await itemsAt(place));
    return out;
  }

  // ---- what users do ----

  const writer = (book: BookKey, actor: number): ServerApi =>
    book === "pab" ? users.ann.rest : actor % 2 ? users.root2.rest : users.root1.rest;

  async function create(place: Place, name: number, email: number | null): Promise<void> {
    const book = place.startsWith("server:") ? (place.slice(7) as BookKey) : folders[place as FolderKey].book;
    const person = oracle.create(book, place);
    const displayName = names[name];
    const [given, family] = displayName.split(" ");
    if (place.startsWith("server:")) {
      const uid = `srv-${person.id}`;
      const contact: Contact = {
        uid,
        displayName,
        name: { given, family },
        emails: email === null ? [] : [{ type: "other", address: primaryEmails[email] }],
        phones: [],
        addresses: [],
        urls: [],
        im: [],
        categories: [person.id],
        extra: [],
        notes: person.id,
      };
      await writer(book, person.createdAt).applyBatch(bookIds[book], [{ op: "put", uid, contact }]);
      return;
    }
    const key = place as FolderKey;
    boxes[folders[key].box].graph.addContact(folderIds[key], {
      displayName,
      givenName: given,
      surname: family,
      personalNotes: person.id,
      categories: [person.id],
      emailAddresses: email === null ? [] : [{ address: primaryEmails[email], name: displayName }],
    });
  }

  /** The live items of a place that hold exactly one person, for a user to pick from. */
  async function pickable(place: Place): Promise<Item[]> {
    return (await itemsAt(place)).filter((i) => i.persons.length === 1);
  }

  async function edit(place: Place, pick: number, field: FieldKey, value: number): Promise<void> {
    const items = await pickable(place);
    if (!items.length) return;
    const item = items[pick % items.length];
    const person = item.persons[0];
    const change = editOf(field, value);
    if (place.startsWith("server:")) {
      const book = place.slice(7) as BookKey;
      const stored = (await t.deps.store.getContact(bookIds[book], item.ref))!;
      const contact = change.server(structuredClone(stored.contact));
      const [result] = await writer(book, pick).applyBatch(bookIds[book], [
        { op: "put", uid: item.ref, ifMatch: stored.etag, contact },
      ]);
      if (result.status === "conflict" || result.status === "error") return;
    } else {
      const key = place as FolderKey;
      const graph = boxes[folders[key].box].graph;
      const id = item.ref.split(" ")[0];
      graph.editContact(id, change.graph(graph.mailbox.contacts.get(id)!.properties as Record<string, unknown>));
    }
    oracle.edit(person, place, change.key, change.value);
  }

  async function remove(place: Place, pick: number, how: "delete" | "move"): Promise<void> {
    const items = await pickable(place);
    if (!items.length) return;
    const item = items[pick % items.length];
    if (place.startsWith("server:")) {
      const book = place.slice(7) as BookKey;
      await writer(book, pick).applyBatch(bookIds[book], [{ op: "delete", uid: item.ref }]);
    } else {
      const key = place as FolderKey;
      const box = boxes[folders[key].box];
      const id = item.ref.split(" ")[0];
      if (how === "move") box.graph.moveContact(id, box.archive);
      else box.graph.deleteContact(id);
    }
    oracle.remove(item.persons[0], place);
  }

  /** Outlook's copy of a contact keeps its extended properties (the Concord uid); the user makes it another person. */
  async function copy(folder: FolderKey, pick: number, name: number): Promise<void> {
    const box = boxes[folders[folder].box];
    const items = box.graph.mailbox.contactsIn(folderIds[folder]).sort((a, b) => a.id.localeCompare(b.id));
    if (!items.length) return;
    const original = items[pick % items.length];
    const person = oracle.create(folders[folder].book, folder);
    box.graph.addContact(
      folderIds[folder],
      { ...original.properties, displayName: names[name], personalNotes: person.id, categories: [person.id] },
      Object.fromEntries(original.extended),
    );
  }

  async function purge(): Promise<void> {
    t.advance(2 * dayMs);
    const before = new Date(t.deps.clock().getTime() - t.deps.config.tombstoneRetentionMs);
    for (const book of Object.values(bookIds)) {
      await t.deps.store.purgeTombstones(book, before);
      await t.deps.store.compactLog(book);
    }
  }

  // ---- syncing ----

  type SyncOptions = {
    policy: ConflictPolicy;
    confirm: boolean;
    killAfter?: number;
    trigger?: Trigger;
    final?: boolean;
  };

  async function sync(pair: PairKey, options: SyncOptions): Promise<SyncOutcome | undefined> {
    const { user, device, folder } = pairs[pair];
    const book = await currentBook(pair);
    const mode = await expectedMode(pair);
    const startedAt = oracle.tick();
    Object.assign(state, {
      writes: 0,
      feedPages: 0,
      outlookReads: 0,
      dead: false,
      killAfter: options.killAfter,
      trigger: options.trigger,
    });
    const box = boxes[folders[folder].box];
    const request = {
      api: users[user].api,
      outlook: { store: box.store, codec: graphCodec },
      deviceId: device,
      book,
      admin: users[user].admin,
      folderId: folderIds[folder],
      policy: options.policy,
      chunkSize: 2,
      saveEveryMs: 0,
    };
    let outcome: SyncOutcome;
    try {
      outcome = await syncPair(request);
      if (outcome.kind === "needs-confirmation" && options.confirm)
        outcome = await syncPair({ ...request, ...confirming(outcome.plan) });
    } catch (error) {
      if (!state.dead) throw error;
      oracle.settle(folder, mode, startedAt, "killed");
      return undefined;
    } finally {
      // A killed pane (even one killed while giving its claim back) neither renews nor releases its claim
      // on the pair: the next sync comes after the claim ran out.
      if (state.dead) t.advance((CLAIM_SECONDS + 1) * 1000);
      Object.assign(state, { killAfter: undefined, trigger: undefined, dead: false });
    }
    const clean = outcome.kind === "synced" && outcome.errors.length === 0;
    if (outcome.kind === "synced") oracle.settle(folder, mode, startedAt, clean ? "completed" : "killed");
    if (options.final && outcome.kind === "synced" && (outcome.errors.length || outcome.plan.quarantined.length)) {
      throw new Error(
        `the final sync of ${pair} is not clean: errors ${JSON.stringify(outcome.errors)}, quarantined ${JSON.stringify(outcome.plan.quarantined)}`,
      );
    }
    return outcome;
  }

  async function checkAfterSync(what: string) {
    oracle.checkShape([...(await allItems()).values()].flat(), what);
  }

  async function finalSyncs(policy: ConflictPolicy, active: readonly PairKey[] = pairKeys) {
    for (let round = 1; round <= 2; round++) {
      for (const pair of active) await sync(pair, { policy, confirm: true, final: round === 2 });
    }
    const modes = new Map<Place, Mode>([
      ["FB", await expectedMode("B")],
      ["FGB", await expectedMode("GB")],
    ]);
    const synced = new Set<Place>([
      ...active.map((p) => pairs[p].folder),
      ...active.map((p) => `server:${pairs[p].book}`),
    ]);
    const items = new Map([...(await allItems())].filter(([place]) => synced.has(place)));
    oracle.checkFinal(
      items,
      (book) => bookPlaces[book].filter((p) => synced.has(p)),
      (folder) => modes.get(folder) ?? "two-way",
    );
  }

  async function close() {
    await net.closeAll();
    await t.close();
  }

  return {
    oracle,
    users,
    create,
    edit,
    remove,
    copy,
    purge,
    share,
    promoteBen,
    sync,
    checkAfterSync,
    finalSyncs,
    close,
    advance: (ms: number) => t.advance(ms),
    expireDelta: (box: BoxKey) => boxes[box].graph.expireDeltaTokens(),
    throttle: (box: BoxKey) => boxes[box].graph.throttle(1, 0),
  };
}

export type World = Awaited<ReturnType<typeof openWorld>>;

type Fields = { jobTitle?: string; company?: string; emails: string[]; phones: string[] };

function fieldOf(key: FieldKey, f: Fields): string | boolean | undefined {
  if (key === "jobTitle") return f.jobTitle || undefined;
  if (key === "company") return f.company || undefined;
  if (key.startsWith("phone:")) return f.phones.includes(key.slice(6));
  if (key.startsWith("email:")) return f.emails.includes(key.slice(6));
  throw new Error(`unknown field ${key}`);
}

export type EditField = "jobTitle" | "company" | "addPhone" | "dropPhone" | "addEmail" | "dropEmail";

/** One user edit, as the server contact and the Graph patch, and what the oracle records. */
function editOf(field: FieldKey, value: number) {
  const phone = phones[value % phones.length];
  const email = extraEmails[value % extraEmails.length];
  type Edit = {
    key: FieldKey;
    value: string | boolean | undefined;
    server: (c: Contact) => Contact;
    graph: (p: Record<string, unknown>) => Record<string, never>;
  };
  const list = (p: Record<string, unknown>, k: string) => (p[k] as unknown[] | undefined) ?? [];
  const edits: Record<EditField, () => Edit> = {
    jobTitle: () => ({
      key: "jobTitle",
      value: `Title ${value}`,
      server: (c) => ({ ...c, jobTitle: `Title ${value}` }),
      graph: () => ({ jobTitle: `Title ${value}` }) as never,
    }),
    company: () => {
      const company = value % 3 === 0 ? undefined : `Company ${value}`;
      return {
        key: "company",
        value: company,
        server: (c) => ({ ...c, company }),
        graph: () => ({ companyName: company ?? null }) as never,
      };
    },
    addPhone: () => ({
      key: `phone:${phone}`,
      value: true,
      server: (c) => ({
        ...c,
        phones: c.phones.some((x) => x.number === phone)
          ? c.phones
          : [...c.phones, { type: "business", number: phone }],
      }),
      graph: (p) => ({ businessPhones: [...new Set([...(list(p, "businessPhones") as string[]), phone])] }) as never,
    }),
    dropPhone: () => ({
      key: `phone:${phone}`,
      value: false,
      server: (c) => ({ ...c, phones: c.phones.filter((x) => x.number !== phone) }),
      graph: (p) => ({ businessPhones: (list(p, "businessPhones") as string[]).filter((x) => x !== phone) }) as never,
    }),
    addEmail: () => ({
      key: `email:${email}`,
      value: true,
      server: (c) => ({
        ...c,
        emails: c.emails.some((e) => e.address === email) ? c.emails : [...c.emails, { type: "other", address: email }],
      }),
      graph: (p) => {
        const current = list(p, "emailAddresses") as { address: string }[];
        return {
          emailAddresses: current.some((e) => e.address === email)
            ? current
            : [...current, { address: email, name: email }],
        } as never;
      },
    }),
    dropEmail: () => ({
      key: `email:${email}`,
      value: false,
      server: (c) => ({ ...c, emails: c.emails.filter((e) => e.address !== email) }),
      graph: (p) =>
        ({
          emailAddresses: (list(p, "emailAddresses") as { address: string }[]).filter((e) => e.address !== email),
        }) as never,
    }),
  };
  return edits[field as EditField]();
}
