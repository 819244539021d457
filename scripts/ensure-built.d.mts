/** Where the build writes its stamp, last: dist/ is as new as this file. */
export declare const STAMP: string;
/** True when dist/ is missing or older than any of its inputs. */
export declare function isStale(): boolean;
/** Builds dist/ when it is stale; true when it built. */
export declare function ensureBuilt(): boolean;
