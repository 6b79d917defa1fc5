// Types of scripts/bundle-tfjs-registrations.js, which electron.vite.config.ts calls at build time.
export declare const REGISTRATIONS_FILE: string;
export declare function bundleTfjsRegistrations(): void;
