import bcrypt from "bcryptjs";

const COST = 10;

export const hashPassword = (password: string) => bcrypt.hash(password, COST);
export const checkPassword = (password: string, hash: string) => bcrypt.compare(password, hash);

// Comparing against a real hash even for unknown users keeps the timing of
// "no such user" and "wrong password" alike.
const decoy = bcrypt.hashSync("decoy-password-never-matches", COST);
export const burnPasswordCheck = (password: string) => bcrypt.compare(password, decoy).then(() => false);
