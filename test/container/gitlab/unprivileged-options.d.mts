/** See unprivileged-options.mjs. */
export declare const UNPRIVILEGED: string[];
