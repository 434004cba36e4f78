// The REST API's shapes: the wire ones live in core/api/schemas.ts (the add-in parses
// responses with them too); the admin ones belong to the server.
export * from "../../core/api/schemas";
export { newUserSchema, userPatchSchema, newListSchema, listPatchSchema } from "../store/account-schemas";
