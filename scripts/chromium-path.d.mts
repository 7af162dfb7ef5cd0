export function findChromium(): string | null;
export const missingChromiumMessage: string;
