// Per-user quotas: how many PABs a user may own, how many contacts and photo bytes those PABs
// hold, and how many devices and bytes of sync state they may keep. Refusals are
// `quota-exceeded` with the numbers in the message.
//
// Sync-state usage is kept per user in one document (key -> bytes), read, checked and written
// around each accepted state. That is read-then-write, so two of one user's devices saving at the
// same moment can each miss the other's change: the record drifts by at most one state per race,
// and the next save of that state corrects its entry. A quota is a bound on abuse, not an account.
import type { Contact } from "../../core/contact/contact";
import type { Models } from "../db/models";
import type {
  BookStore,
  ContactStore,
  ContactUsage,
  OpResult,
  Photos,
  QuotaLimits,
  Quotas,
  SyncStates,
  WriteOp,
  WriteOptions,
} from "./contract";
import { storeError } from "./errors";

export type { QuotaLimits } from "./contract";
const MiB = 1024 * 1024;
export const DEFAULT_QUOTAS: QuotaLimits = {
  books: 50,
  devices: 20,
  syncStateBytes: 256 * MiB,
  contacts: 100_000,
  photoBytes: 256 * MiB,
};

/** Where each user's sync-state usage (state key -> bytes) is kept. */
export type UsageRecord = {
  read(user: string): Promise<Record<string, number>>;
  write(user: string, usage: Record<string, number>): Promise<void>;
};

const mib = (bytes: number) => (bytes < 1024 * 1024 ? `${bytes} bytes` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);

export function createQuotas(
  books: Pick<BookStore, "pabs">,
  limits: QuotaLimits,
  counted: Pick<ContactQuota<ContactStore>, "contactUsage" | "recount">,
): Quotas {
  return {
    limits,
    contactUsage: counted.contactUsage,
    recount: counted.recount,
    /** Before a new PAB for `owner`: an administrator creating books is not held to it. */
    async checkNewBook(owner: string, byAdmin: boolean): Promise<void> {
      if (byAdmin) return;
      const owned = (await books.pabs(owner)).length;
      if (owned >= limits.books) {
        throw storeError("quota-exceeded", `You have ${owned} address books; the limit is ${limits.books}`, {
          owned,
          limit: limits.books,
        });
      }
    },
  };
}

/** The sync-state store, held to each user's device count and total bytes. */
export function withSyncStateQuota(states: SyncStates, usage: UsageRecord, limits: QuotaLimits): SyncStates {
  return {
    get: states.get,
    async put(username, device, pair, json, pre) {
      const key = `${device}/${pair}`;
      const bytes = Buffer.byteLength(json);
      const used = await usage.read(username);
      const devices = new Set(Object.keys(used).map((k) => k.split("/")[0]));
      if (!devices.has(device) && devices.size >= limits.devices) {
        throw storeError("quota-exceeded", `You sync from ${devices.size} devices; the limit is ${limits.devices}`);
      }
      const total = Object.values(used).reduce((a, b) => a + b, 0) - (used[key] ?? 0) + bytes;
      if (total > limits.syncStateBytes) {
        throw storeError(
          "quota-exceeded",
          `Your sync states would take ${mib(total)}; the limit is ${mib(limits.syncStateBytes)}`,
        );
      }
      const written = await states.put(username, device, pair, json, pre);
      await usage.write(username, { ...(await usage.read(username)), [key]: bytes });
      return written;
    },
    async delete(username, device, pair, pre) {
      await states.delete(username, device, pair, pre);
      const { [`${device}/${pair}`]: _gone, ...rest } = await usage.read(username);
      await usage.write(username, rest);
    },
  };
}

export function memoryUsageRecord(): UsageRecord {
  const records = new Map<string, Record<string, number>>();
  return {
    read: async (user) => ({ ...(records.get(user) ?? {}) }),
    write: async (user, usage) => void records.set(user, { ...usage }),
  };
}

// ---------------------------------------------------------------- contacts and photo bytes
//
// Contacts and photo bytes are counted per PAB owner in one usage record ({contacts,
// photoBytes}), moved by what each write did: +1 per created contact, -1 per deleted one, and
// the bytes of each photo uploaded with a put that stored it for a contact that did not have it.
// A write that fits even if every put creates and every uploaded photo is new reads only the
// record (and the photo-carrying puts' current versions); only a write near a limit looks up what
// each put replaces and is admitted op by op: the ops past a limit answer quota-exceeded, the
// others apply. The GAB and the Directory count against no one.
//
// The record drifts, and a quota is a bound on abuse, not an account:
// - it is read-then-write (FerretDB has no atomic increment across instances), so two writes for
//   one owner at the same moment may lose one's change, and a write racing a check may pass the
//   limit by that write's puts (at most a batch, 1000);
// - a delete in a batch frees its place for the puts after it even if the delete then fails;
// - photo bytes only grow between recounts: a replaced or deleted contact's photo, and the same
//   photo on two contacts, stay counted (near the limit, an upload of bytes stored already passes
//   and adds nothing); a photo referenced by hash only (a restore, a copy of a stored contact)
//   adds nothing, as it stores no new bytes;
// - deleting a PAB frees nothing, and giving one to another user moves nothing, until the recount;
// - a write refused for a quota first counts its owner afresh, at most once an hour per owner
//   (so a user who deleted photos can add new ones before the next pass, and refused retries
//   cannot make the server scan their books again and again);
// - the maintenance pass (server/main.ts, every few hours) counts every owner afresh (`recount`) from their PABs' live
//   contacts and the distinct photos they reference, which puts the record right.

/** The wrapped contact store and photos, and what the Quotas contract reads of their counts. */
export type ContactQuota<S extends ContactStore> = {
  contacts: S;
  photos: Photos;
  contactUsage(owner: string): Promise<ContactUsage>;
  recount(): Promise<number>;
};

const RECOUNT_PAGE = 1000;
const RECOUNT_ON_REFUSAL_MS = 3600_000;
const n = (x: number) => x.toLocaleString("en-US");

type Upload = { hash: string; bytes: number };
type Prior = { live: boolean; photo?: string };

/** The contact store held to each PAB owner's contact and photo-byte quotas, and photos whose
 *  `takeInline` remembers each taken photo's size (by its photo object, which the write carries)
 *  so the write that references it knows how many bytes it uploads. */
export function withContactQuota<S extends ContactStore>(
  contacts: S,
  deps: {
    books: Pick<BookStore, "getBook" | "pabs">;
    photos: Photos;
    usage: UsageRecord;
    limits: QuotaLimits;
    clock: () => Date;
  },
): ContactQuota<S> {
  const { books, photos, usage, limits, clock } = deps;
  const uploaded = new WeakMap<object, number>();

  function takeInline(contact: Contact, field?: string) {
    const taken = photos.takeInline(contact, field);
    if (taken.photo && taken.contact.photo) uploaded.set(taken.contact.photo, taken.photo.bytes.length);
    return taken;
  }

  const uploadOf = (op: WriteOp): Upload | undefined => {
    if (op.op !== "put" || !op.contact.photo?.hash) return undefined;
    const bytes = uploaded.get(op.contact.photo);
    return bytes === undefined ? undefined : { hash: op.contact.photo.hash, bytes };
  };

  async function contactUsage(owner: string): Promise<ContactUsage> {
    const u = await usage.read(owner);
    return { contacts: u.contacts ?? 0, photoBytes: u.photoBytes ?? 0 };
  }

  async function priorVersions(book: string, uids: string[]): Promise<Map<string, Prior>> {
    if (uids.length === 0) return new Map();
    const found = await contacts.lookup(book, uids);
    return new Map(found.map((c) => [c.uid, { live: !c.deleted, photo: c.contact?.photo?.hash }]));
  }

  async function applyWrites(book: string, ops: WriteOp[], options?: WriteOptions): Promise<OpResult[]> {
    const record = await books.getBook(book);
    const owner = record?.kind === "pab" ? record.owner : null;
    if (!owner) return contacts.applyWrites(book, ops, options);
    const puts = ops.filter((op) => op.op === "put");
    const uploads = ops.map(uploadOf);
    let used = puts.length ? await contactUsage(owner) : { contacts: 0, photoBytes: 0 };
    const uploadBytes = [...new Map(uploads.flatMap((u) => (u ? [[u.hash, u.bytes] as const] : []))).values()];
    const near =
      used.contacts + puts.length > limits.contacts ||
      used.photoBytes + uploadBytes.reduce((a, b) => a + b, 0) > limits.photoBytes;
    const uids = ops.flatMap((op, i) => (near || uploads[i] ? [op.uid] : []));
    const prior = await priorVersions(book, uids);
    const stored = near ? await storedAlready(uploads) : new Set<string>();
    let plan = admit(ops, uploads, prior, stored, used, near);
    if (plan.refused.some(Boolean) && (await recountIfStale(owner))) {
      used = await contactUsage(owner);
      plan = admit(ops, uploads, prior, stored, used, near);
    }
    const admitted = ops.filter((_, i) => !plan.refused[i]);
    const applied = admitted.length ? await contacts.applyWrites(book, admitted, options) : [];
    let next = 0;
    const results = ops.map((_, i) => plan.refused[i] ?? applied[next++]);
    await count(owner, ops, results, plan.newPhotos);
    return results;
  }

  /** Near the photo limit, the uploads whose bytes are stored already (for another contact):
   *  they store nothing new, so they pass. Loading a photo is a read by _id. */
  async function storedAlready(uploads: (Upload | undefined)[]) {
    const stored = new Set<string>();
    for (const u of uploads) if (u && !stored.has(u.hash) && (await photos.load(u.hash))) stored.add(u.hash);
    return stored;
  }

  /** Which ops fit: all of them when the write is not near a limit, else op by op in order. */
  function admit(
    ops: WriteOp[],
    uploads: (Upload | undefined)[],
    prior: Map<string, Prior>,
    stored: Set<string>,
    used: ContactUsage,
    near: boolean,
  ) {
    const refused: (OpResult | undefined)[] = [];
    const newPhotos: (Upload | undefined)[] = [];
    const live = new Set([...prior].flatMap(([uid, p]) => (p.live ? [uid] : [])));
    const photosSeen = new Set<string>();
    let { contacts: held, photoBytes: bytes } = used;
    for (const [i, op] of ops.entries()) {
      const upload = uploads[i];
      const isNewPhoto =
        upload && prior.get(op.uid)?.photo !== upload.hash && !photosSeen.has(upload.hash) && !stored.has(upload.hash);
      if (op.op === "delete") {
        if (near && live.delete(op.uid)) held--;
        continue;
      }
      if (near && !live.has(op.uid) && held + 1 > limits.contacts) {
        const message = `Your address books hold ${n(held)} contacts; the limit is ${n(limits.contacts)}`;
        refused[i] = refusal(op.uid, message, { quota: "contacts", used: held, limit: limits.contacts });
        continue;
      }
      if (near && isNewPhoto && bytes + upload.bytes > limits.photoBytes) {
        const message =
          `Your address books' photos take ${mib(bytes)} and this one ${mib(upload.bytes)}; ` +
          `the limit is ${mib(limits.photoBytes)}`;
        refused[i] = refusal(op.uid, message, { quota: "photoBytes", used: bytes, limit: limits.photoBytes });
        continue;
      }
      if (near && !live.has(op.uid)) {
        live.add(op.uid);
        held++;
      }
      if (isNewPhoto) {
        photosSeen.add(upload.hash);
        bytes += upload.bytes;
        newPhotos[i] = upload;
      }
    }
    return { refused, newPhotos };
  }

  /** Moves the owner's record by what the write did (read again just before, to narrow the race). */
  async function count(owner: string, ops: WriteOp[], results: OpResult[], newPhotos: (Upload | undefined)[]) {
    let contactsDelta = 0;
    let photoBytes = 0;
    for (const [i, r] of results.entries()) {
      if (r.status === "created") contactsDelta++;
      if (r.status === "deleted") contactsDelta--;
      if (ops[i].op === "put" && (r.status === "created" || r.status === "updated"))
        photoBytes += newPhotos[i]?.bytes ?? 0;
    }
    if (contactsDelta === 0 && photoBytes === 0) return;
    const now = await usage.read(owner);
    await usage.write(owner, {
      ...now,
      contacts: Math.max(0, (now.contacts ?? 0) + contactsDelta),
      photoBytes: (now.photoBytes ?? 0) + photoBytes,
    });
  }

  /** Counts the owner afresh unless that was done in the last hour; whether it was done. */
  async function recountIfStale(owner: string): Promise<boolean> {
    const at = (await usage.read(owner)).recountedAt ?? 0;
    if (clock().getTime() - at < RECOUNT_ON_REFUSAL_MS) return false;
    await recountOwner(owner, new Map());
    return true;
  }

  async function recountOwner(owner: string, sizes: Map<string, number>) {
    let held = 0;
    const referenced = new Set<string>();
    for (const pab of await books.pabs(owner)) {
      let cursor: string | undefined;
      do {
        const page = await contacts.listContacts(pab.id, cursor, RECOUNT_PAGE);
        held += page.contacts.length;
        for (const c of page.contacts) if (c.contact.photo?.hash) referenced.add(c.contact.photo.hash);
        cursor = page.cursor ?? undefined;
      } while (cursor);
    }
    let photoBytes = 0;
    for (const hash of referenced) {
      if (!sizes.has(hash)) sizes.set(hash, (await photos.load(hash))?.length ?? 0);
      photoBytes += sizes.get(hash)!;
    }
    await usage.write(owner, { contacts: held, photoBytes, recountedAt: clock().getTime() });
  }

  /** Every PAB owner afresh; a photo's size is read once per pass. Writes made while an owner is
   *  counted may be counted twice or not at all, until the next pass. */
  async function recount(): Promise<number> {
    const owners = new Set((await books.pabs()).flatMap((b) => (b.owner ? [b.owner] : [])));
    const sizes = new Map<string, number>();
    for (const owner of owners) await recountOwner(owner, sizes);
    return owners.size;
  }

  return {
    contacts: { ...contacts, applyWrites },
    photos: { ...photos, takeInline },
    contactUsage,
    recount,
  };
}

function refusal(uid: string, message: string, details: Record<string, unknown>): OpResult {
  return { uid, status: "error", error: `quota-exceeded: ${message}`, kind: "quota-exceeded", details };
}

/** Each user's usage (key -> number) in one settings document per user, under `prefix:<user>`. */
export function settingsUsageRecord(models: Models, prefix: string): UsageRecord {
  const id = (user: string) => `${prefix}:${user}`;
  return {
    read: async (user) =>
      JSON.parse((await models.Setting.findById(id(user)).lean<{ value: string }>())?.value ?? "{}"),
    write: async (user, value) =>
      void (await models.Setting.replaceOne(
        { _id: id(user) },
        { _id: id(user), value: JSON.stringify(value) },
        { upsert: true },
      )),
  };
}
