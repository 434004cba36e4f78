import bcrypt from "bcryptjs";
import { runInPool } from "./password-pool";

const COST = 10;

export const hashPassword = async (password: string) =>
  (await runInPool({ op: "hash", password, cost: COST })).result as string;
export const checkPassword = async (password: string, hash: string) =>
  (await runInPool({ op: "compare", password, hash })).result === true;

// Comparing against a real hash even for unknown users keeps the timing of
// "no such user" and "wrong password" alike.
const decoy = bcrypt.hashSync("decoy-password-never-matches", COST);
export const burnPasswordCheck = (password: string) => checkPassword(password, decoy).then(() => false);
