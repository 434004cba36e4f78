// A small pool of worker threads for bcrypt. One bcrypt costs tens of milliseconds of CPU;
// on the main thread a few unauthenticated attempts a second stalled every signed-in request.
// The pool leaves a core to the main thread, and queues work beyond its size.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { fromRoot } from "../paths";

type Job = { op: "hash"; password: string; cost: number } | { op: "compare"; password: string; hash: string };
type Done = { id: number; result?: string | boolean; error?: string; threadId: number };
type Pending = { resolve(done: Done): void; reject(err: Error): void; worker: Worker };

const workerPath = fromRoot("server", "auth", "password-worker.mjs");
const size = Math.max(1, Math.min(4, availableParallelism() - 1));

let nextId = 1;
let jobs = 0;

/** How many bcrypt jobs this process has started: tests use it to see that a refusal hashed nothing. */
export const jobsStarted = () => jobs;
const pending = new Map<number, Pending>();
const workers: { worker: Worker; busy: number }[] = [];

function startWorker() {
  const entry = { worker: new Worker(workerPath), busy: 0 };
  entry.worker.unref(); // an idle pool never keeps the process alive
  entry.worker.on("message", (done: Done) => {
    if (--entry.busy === 0) entry.worker.unref();
    const waiter = pending.get(done.id);
    pending.delete(done.id);
    waiter?.resolve(done);
  });
  entry.worker.on("error", (err) => {
    workers.splice(workers.indexOf(entry), 1);
    for (const [id, waiter] of pending) {
      if (waiter.worker !== entry.worker) continue;
      pending.delete(id);
      waiter.reject(err);
    }
  });
  workers.push(entry);
  return entry;
}

function leastBusyWorker() {
  if (workers.length < size) return startWorker();
  return workers.reduce((a, b) => (b.busy < a.busy ? b : a));
}

/** Runs one bcrypt job on a worker thread; `threadId` says which thread did it. */
export function runInPool(job: Job): Promise<{ result: string | boolean; threadId: number }> {
  const id = nextId++;
  jobs++;
  const entry = leastBusyWorker();
  if (entry.busy++ === 0) entry.worker.ref(); // keep the process alive until the answer arrives
  return new Promise((resolve, reject) => {
    pending.set(id, {
      resolve: (done) =>
        done.error ? reject(new Error(done.error)) : resolve({ result: done.result!, threadId: done.threadId }),
      reject,
      worker: entry.worker,
    });
    entry.worker.postMessage({ id, ...job });
  });
}
