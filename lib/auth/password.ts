import bcrypt from "bcryptjs";

// Cost 10 takes about 50-100 ms per hash on a current server core, which
// slows guessing without making sign-in feel slow.
const bcryptCost = 10;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, bcryptCost);
}

export function verifyPassword(
  password: string,
  passwordHash: string,
): Promise<boolean> {
  return bcrypt.compare(password, passwordHash);
}
