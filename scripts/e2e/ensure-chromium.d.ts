export function ensureChromium(log?: (message: string) => void): string;
export function findChromium(): string | undefined;
export const CHROMIUM_ARGS: string[];
