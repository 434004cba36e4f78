// Reconcile 100,000 contacts with 1% changed on each side. Targets: under 1 s and
// under 300 MB. Only reconcile() is timed; building the data is not. Memory is
// reported as what a sync holds (peakMB: the heap above the code the process had loaded
// before the data was built), reconcile's own share, the whole heap and the peak RSS.
import { performance } from "node:perf_hooks";
import { contactSchema, type Contact } from "../core/contact/contact";
import { contentHash } from "../core/contact/content-hash";
import { reconcile } from "../core/sync/reconcile";
import { baseJsonOf, baseOf, type OutlookItem, type ServerItem, type StatusEntry } from "../core/sync/sync-types";

const total = 100_000;

// Built as literals, not through zod, so the setup's garbage does not swamp the peak.
function contact(i: number): Contact {
  return {
    uid: `uid-${i}`,
    displayName: `Person ${i}`,
    name: { given: "Person", family: `${i}` },
    emails: [{ type: "work", address: `person${i}@example.com` }],
    phones: [{ type: "business", number: `+1 555 ${String(i).padStart(7, "0")}` }],
    addresses: [],
    urls: [],
    im: [],
    categories: [],
    extra: [],
    company: `Company ${i % 500}`,
    jobTitle: "Engineer",
  };
}

export async function benchReconcile(): Promise<{
  name: string;
  ms: number;
  peakMB: number;
  reconcileHeapMB: number;
  processHeapMB: number;
  rssPeakMB: number;
  hashMicros: number;
  contacts: number;
  actions: number;
  conflicts: number;
}> {
  const gc = (globalThis as { gc?: () => void }).gc;
  // `npm run bench` runs every measure in one process, with the whole server loaded: its code is no
  // part of what the add-in holds while it syncs.
  gc?.();
  const heapOfCode = process.memoryUsage().heapUsed;
  const entries: StatusEntry[] = [];
  const outlookItems: OutlookItem[] = [];
  const serverItems: ServerItem[] = [];
  for (let i = 0; i < total; i++) {
    const base = contact(i);
    const hash = contentHash(base);
    entries.push({
      uid: base.uid,
      outlookId: `o${i}`,
      baseJson: baseJsonOf(base),
      baseHash: hash,
      outlookHash: hash,
      outlookChangeKey: `k${i}`,
      serverEtag: `e${i}`,
    });
    // Each side reads its own deep copy, as real adapters would.
    const outlookChanged = i % 100 === 0;
    const serverChanged = i % 100 === 50 || i % 1000 === 0;
    outlookItems.push({
      id: `o${i}`,
      contact: { ...structuredClone(base), jobTitle: outlookChanged ? "Manager" : base.jobTitle },
      changeKey: outlookChanged ? `k${i}'` : `k${i}`,
    });
    serverItems.push({
      contact: { ...structuredClone(base), company: serverChanged ? "Globex" : base.company },
      etag: serverChanged ? `e${i}'` : `e${i}`,
    });
  }
  const status = { version: 1 as const, entries };

  contactSchema.parse(baseOf(entries[0])); // the literal above is a valid Contact
  // The setup's garbage is no part of what a sync holds: collect it first (npm run bench exposes gc).
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  const plan = reconcile(status, { items: outlookItems, complete: true }, { items: serverItems, complete: true });
  const ms = performance.now() - start;
  const heapAfter = process.memoryUsage().heapUsed;
  // What an item costs when no etag or changeKey spares the hash (a first sync, an adapter
  // without changeKeys, a server that rewrote every etag).
  const hashStart = performance.now();
  for (const item of serverItems) contentHash(item.contact);
  const hashMicros = ((performance.now() - hashStart) * 1000) / serverItems.length;
  return {
    name: "reconcile 100k contacts, 1% changed per side",
    ms: Math.round(ms),
    // What a sync holds: the 100k status bases (as text), the 2 × 100k snapshot contacts, and what
    // reconcile allocated.
    peakMB: Math.round((Math.max(heapBefore, heapAfter) - heapOfCode) / 1048576),
    // Reconcile's share: indexes and the plan (net of any collection during it).
    reconcileHeapMB: Math.round((heapAfter - heapBefore) / 1048576),
    // The whole heap, the bench's own code (the server, Playwright) included.
    processHeapMB: Math.round(Math.max(heapBefore, heapAfter) / 1048576),
    // The process's resident high-water mark, runtime and the setup's garbage included.
    rssPeakMB: Math.round(process.resourceUsage().maxRSS / 1024),
    // contentHash per contact, over the server side's 100k.
    hashMicros: Math.round(hashMicros * 100) / 100,
    contacts: total,
    actions: plan.actions.length,
    conflicts: plan.conflicts.length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await benchReconcile());
}
