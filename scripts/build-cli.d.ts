// Types of build-cli.js for the TypeScript that imports it (its tests).
/** Where builds and current.json live. */
export declare const CLI_OUT: string;
/** The built entry to import, or null when there is none or a source file in it changed since. */
export declare function freshCliBuild(outDir?: string): string | null;
/** Builds the CLI into a new folder under CLI_OUT and makes it current; returns its entry file. */
export declare function buildCli(): Promise<string>;
