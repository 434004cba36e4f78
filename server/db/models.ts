// Mongoose models. Every hot lookup is by _id: FerretDB's SQLite backend pushes
// down only a lone `{_id: value}` filter, so ids are composed from the keys we
// look things up by (`book/uid`, `book:chunk`, `user/device/pair`).
import mongoose, { Schema, type InferSchemaType, type Connection } from "mongoose";

const options = { versionKey: false, minimize: false } as const;

const userSchema = new Schema(
  {
    _id: { type: String, required: true }, // the username
    displayName: { type: String, default: "" },
    email: { type: String, default: "" },
    passwordHash: { type: String, required: true },
    admin: { type: Boolean, default: false },
    disabled: { type: Boolean, default: false },
    visibleInDirectory: { type: Boolean, default: true },
    primaryBook: { type: String, required: true },
    createdAt: { type: Date, required: true },
    /** Bumped by a password change or a disable: tokens carrying an older version are refused. */
    tokenVersion: { type: Number, default: 0 },
  },
  options,
);

const mailingListSchema = new Schema(
  {
    _id: { type: String, required: true }, // the list address, lower-cased
    name: { type: String, default: "" },
    members: { type: [String], default: [] },
    visibleInDirectory: { type: Boolean, default: true },
  },
  options,
);

const bookSchema = new Schema(
  {
    _id: { type: String, required: true },
    kind: { type: String, enum: ["gab", "pab", "directory"], required: true },
    name: { type: String, required: true },
    owner: { type: String, default: null },
  },
  options,
);

const shareSchema = new Schema(
  {
    _id: { type: String, required: true }, // `${book}:${username}`
    book: { type: String, required: true },
    username: { type: String, required: true },
    access: { type: String, enum: ["read", "write"], required: true },
  },
  options,
);

const contactDocSchema = new Schema(
  {
    _id: { type: String, required: true }, // `${book}/${uid}`
    book: { type: String, required: true },
    uid: { type: String, required: true },
    /** Position of this version's entry in the book's change log. */
    seq: { type: Number, required: true },
    etag: { type: String, required: true },
    deleted: { type: Boolean, default: false },
    deletedAt: { type: Date, default: null },
    updatedAt: { type: Date, required: true },
    contact: { type: Schema.Types.Mixed, default: null },
    deletedBy: { type: String, default: null },
  },
  options,
);

const logChunkSchema = new Schema(
  {
    _id: { type: String, required: true }, // `${book}:${chunkNumber}`
    book: { type: String, required: true },
    /** Texts of [p, u] pairs, one per append (see store/contacts/log.ts); older chunks hold {p, u} objects. */
    entries: { type: [Schema.Types.Mixed], default: [] },
  },
  options,
);

const photoSchema = new Schema(
  {
    _id: { type: String, required: true }, // SHA-256 of the bytes
    mediaType: { type: String, required: true },
    data: { type: Buffer, required: true },
    storedAt: { type: Date, default: null },
  },
  options,
);

// Values that change under compare-and-set live in version chains (store/version-chain.ts):
// documents `${key}#${n}` that are inserted, never raced, plus a hint of the newest n.
const chainVersionSchema = new Schema(
  {
    _id: { type: String, required: true },
    key: { type: String, required: true },
    n: { type: Number, required: true },
    value: { type: Schema.Types.Mixed, required: true },
  },
  options,
);
/** Up to 4 MiB of a sync state's text, under `${key}@${sha256 of the text}`. */
const syncStatePartSchema = new Schema(
  { _id: { type: String, required: true }, text: { type: String, required: true } },
  options,
);
/** Part of a book's checkpoint (store/contacts/checkpoints.ts): deflated JSON of up to a few thousand contact versions. */
const checkpointPartSchema = new Schema(
  { _id: { type: String, required: true }, data: { type: Buffer, required: true } },
  options,
);
const chainHintSchema = new Schema(
  { _id: { type: String, required: true }, n: { type: Number, required: true } },
  options,
);

const settingSchema = new Schema(
  { _id: { type: String, required: true }, value: { type: String, required: true } },
  options,
);

const loginAttemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    window: { type: Number, required: true },
    key: { type: String, required: true }, // `${username}|${address}`
  },
  options,
);

/** Imports (store/imports.ts): a blob's header names its parts; parts hold up to 4 MiB each. */
const importBlobSchema = new Schema(
  {
    _id: { type: String, required: true },
    import: { type: String, default: null },
    parts: { type: [String], default: undefined },
    data: { type: Buffer, default: undefined },
  },
  options,
);
const importMappingSchema = new Schema(
  {
    _id: { type: String, required: true }, // `${owner}/${name}`, owner "*" for a shared mapping
    owner: { type: String, required: true },
    name: { type: String, required: true },
    mapping: { type: Schema.Types.Mixed, required: true },
  },
  options,
);

/** A signed-in device (store/sessions.ts); its refresh tokens are the generations below. */
const sessionSchema = new Schema(
  {
    _id: { type: String, required: true }, // the session id
    user: { type: String, required: true },
    device: { type: String, default: "" },
    client: { type: String, default: "" },
    createdAt: { type: Date, required: true },
    lastUsedAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    tokenVersion: { type: Number, required: true },
    endedAt: { type: Date, default: null },
  },
  options,
);
/** One refresh token of a session, `${session}:${generation}`: inserted once, so of two rotations
 *  of one token only one can insert the next generation. */
const sessionTokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    hash: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  options,
);

export type UserDoc = InferSchemaType<typeof userSchema>;
export type MailingListDoc = InferSchemaType<typeof mailingListSchema>;
export type BookDoc = InferSchemaType<typeof bookSchema>;
export type ShareDoc = InferSchemaType<typeof shareSchema>;
/** One audited contact write; the _id starts with the time, so _id order is time order. */
// One document per audited request (the writes of one batch share who, where, which book and
// when); `writes` is one JSON text of [uid, op, fields] tuples: FerretDB stores one string far
// faster than a thousand subdocuments, and no query looks inside it.
const auditEntrySchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    user: { type: String, required: true },
    surface: { type: String, required: true },
    book: { type: String, required: true },
    writes: { type: String },
    // Entries recorded one per document before batches were stored whole.
    uid: { type: String },
    op: { type: String },
    fields: { type: [String], default: undefined },
  },
  options,
);
export type AuditEntryDoc = InferSchemaType<typeof auditEntrySchema>;

export type ContactDoc = InferSchemaType<typeof contactDocSchema>;
export type SessionDoc = InferSchemaType<typeof sessionSchema>;
export type LogChunkDoc = InferSchemaType<typeof logChunkSchema>;

export function defineModels(connection: Connection) {
  return {
    User: connection.model("User", userSchema, "users"),
    MailingList: connection.model("MailingList", mailingListSchema, "mailingLists"),
    Book: connection.model("Book", bookSchema, "books"),
    Share: connection.model("Share", shareSchema, "shares"),
    ContactDoc: connection.model("ContactDoc", contactDocSchema, "contacts"),
    LogChunk: connection.model("LogChunk", logChunkSchema, "changeLog"),
    Photo: connection.model("Photo", photoSchema, "photos"),
    AuditEntry: connection.model("AuditEntry", auditEntrySchema, "auditLog"),
    BookLease: connection.model("BookLease", chainVersionSchema, "bookLeases"),
    BookLeaseHint: connection.model("BookLeaseHint", chainHintSchema, "bookLeaseHints"),
    SyncState: connection.model("SyncState", chainVersionSchema, "syncStates"),
    SyncStateHint: connection.model("SyncStateHint", chainHintSchema, "syncStateHints"),
    PairClaim: connection.model("PairClaim", chainVersionSchema, "pairClaims"),
    PairClaimHint: connection.model("PairClaimHint", chainHintSchema, "pairClaimHints"),
    SyncStatePart: connection.model("SyncStatePart", syncStatePartSchema, "syncStateParts"),
    Setting: connection.model("Setting", settingSchema, "settings"),
    LoginAttempt: connection.model("LoginAttempt", loginAttemptSchema, "loginAttempts"),
    BookCheckpoint: connection.model("BookCheckpoint", chainVersionSchema, "bookCheckpoints"),
    BookCheckpointHint: connection.model("BookCheckpointHint", chainHintSchema, "bookCheckpointHints"),
    CheckpointPart: connection.model("CheckpointPart", checkpointPartSchema, "checkpointParts"),
    ImportJob: connection.model("ImportJob", chainVersionSchema, "importJobs"),
    ImportJobHint: connection.model("ImportJobHint", chainHintSchema, "importJobHints"),
    ImportBlob: connection.model("ImportBlob", importBlobSchema, "importBlobs"),
    ImportMapping: connection.model("ImportMapping", importMappingSchema, "importMappings"),
    Session: connection.model("Session", sessionSchema, "sessions"),
    SessionToken: connection.model("SessionToken", sessionTokenSchema, "sessionTokens"),
  };
}

export type Models = ReturnType<typeof defineModels>;

export async function connectDatabase(
  uri: string,
  dbName = "concord",
): Promise<{ connection: Connection; models: Models }> {
  const connection = mongoose.createConnection(uri, { dbName, autoIndex: false, serverSelectionTimeoutMS: 15_000 });
  await connection.asPromise();
  const models = defineModels(connection);
  // Creating the collections up front lets the embedded FerretDB index them before traffic arrives.
  await Promise.all(Object.values(models).map((m) => m.createCollection().catch(ignoreExists)));
  return { connection, models };
}

function ignoreExists(err: { code?: number }) {
  if (err.code !== 48) throw err; // NamespaceExists
}
