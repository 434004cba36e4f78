// Between full collections V8 lets the heap grow to up to four times what survived the last one,
// a factor it picks from how fast it collects. On a server holding a large book in its contact
// cache that headroom is mostly garbage, and it is what a large import or batch peaks at: 100,000
// contacts imported peaked at 350 MB of heap over 128 MB live. A fixed factor of 1.25 holds that
// peak near 200 MB for a few more full collections (the bench's import time did not change).
import { setFlagsFromString } from "node:v8";

export const HEAP_GROWING_PERCENT = 25;

/** Sets the factor for the whole process; V8 reads it at each full collection, so it takes effect
 *  from the next one on. */
export function boundHeapGrowth() {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
