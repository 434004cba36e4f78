// The import wizard, in the order Outlook's and Google's wizards use: choose a file (sent with its
// upload progress) → check what was detected (format, character set, separator; each changeable,
// previewed again by the server) → match the columns to contact fields (save and load named
// mappings) → what to do with duplicates → what the import will do (a dry run) → the import with
// its progress and Cancel → the result: counts, the rows with problems (as a CSV file too) and Undo.
import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";
import { Link, useParams } from "react-router";
import { MessageBar, MessageBarBody, Text, tokens } from "@fluentui/react-components";
import { messageOf, type Book } from "../api";
import { useSession } from "../session";
import type { Duplicates, DryRun, ImportPreview, ImportStatus } from "./import-api";
import { columnSamples } from "./fields";
import { useImportApi } from "./use-import-api";
import {
  DryRunStep,
  DuplicatesStep,
  FileStep,
  MappingStep,
  ProgressStep,
  ResultStep,
  SettingsStep,
} from "./wizard-steps";

const steps = [
  ["file", "Choose a file"],
  ["settings", "Check the file"],
  ["mapping", "Match the columns"],
  ["duplicates", "Duplicates"],
  ["review", "Review"],
  ["importing", "Import"],
  ["result", "Result"],
] as const;
export type Step = (typeof steps)[number][0];

const POLL_MS = 400;
const running = (status: ImportStatus) => status.state === "running" || status.state === "undoing";

export function ImportWizard() {
  const { book: bookId = "" } = useParams();
  const { call } = useSession();
  const run = useImportApi();
  const [book, setBook] = useState<Book>();
  const [step, setStep] = useState<Step>("file");
  const [file, setFile] = useState<File>();
  const [sent, setSent] = useState<number>();
  const [preview, setPreview] = useState<ImportPreview>();
  const [samples, setSamples] = useState<string[]>([]);
  const [duplicates, setDuplicates] = useState<Duplicates>("skip");
  const [dryRun, setDryRun] = useState<DryRun>();
  const [status, setStatus] = useState<ImportStatus>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const heading = useRef<HTMLHeadingElement>(null);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    call((api) => api.listBooks())
      .then((books) => setBook(books.find((b) => b.id === bookId)))
      .catch((error) => setProblem(messageOf(error)));
    return () => {
      mounted.current = false;
    };
  }, [call, bookId]);

  // Each step starts at its heading, so a keyboard or screen-reader user lands on what is new.
  const first = useRef(true);
  useEffect(() => {
    void step; // runs on each new step
    if (first.current) first.current = false;
    else heading.current?.focus();
  }, [step]);

  /** Runs one call with the busy flag and the error message handled. */
  const attempt = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setProblem(undefined);
    try {
      await work();
    } catch (error) {
      if (mounted.current) setProblem(messageOf(error));
    } finally {
      if (mounted.current) setBusy(false);
    }
  }, []);

  const showPreview = useCallback(async (next: ImportPreview, picked: File) => {
    const samples = await columnSamples(picked, next.charset, next.delimiter);
    setPreview(next);
    setSamples(samples);
  }, []);

  const upload = (picked: File) =>
    attempt(async () => {
      setFile(picked);
      setSent(0);
      const result = await run((api) => api.upload(bookId, picked, setSent));
      await showPreview(result, picked);
      setStep("settings");
    });

  /** Polls the job until it stops running (the import, or its undo). */
  const follow = useCallback(
    async (id: string) => {
      for (;;) {
        const next = await run((api) => api.status(id));
        if (!mounted.current) return;
        setStatus(next);
        if (!running(next)) return;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    [run],
  );

  const restart = () => {
    setStep("file");
    setFile(undefined);
    setSent(undefined);
    setPreview(undefined);
    setDryRun(undefined);
    setStatus(undefined);
    setProblem(undefined);
  };

  if (book && book.access !== "write")
    return (
      <Page bookId={bookId} title={`Import into ${book.name}`}>
        <MessageBar intent="warning">
          <MessageBarBody>{book.name} is read-only for you: you cannot import contacts into it.</MessageBarBody>
        </MessageBar>
      </Page>
    );

  const id = preview?.id ?? "";
  const hasColumns = (preview?.columns.length ?? 0) > 0;
  const current = steps.findIndex(([name]) => name === step);
  return (
    <Page bookId={bookId} title={`Import contacts into ${book?.name ?? "the address book"}`}>
      <ol aria-label="Steps" style={{ display: "flex", flexWrap: "wrap", gap: "4px 16px", margin: 0, padding: 0 }}>
        {steps.map(([name, label], i) => (
          <li
            key={name}
            aria-current={i === current ? "step" : undefined}
            style={{
              listStylePosition: "inside",
              fontWeight: i === current ? 600 : 400,
              color: i > current ? tokens.colorNeutralForeground3 : tokens.colorNeutralForeground1,
            }}
          >
            {label}
          </li>
        ))}
      </ol>
      <section aria-labelledby="import-step" style={{ display: "grid", gap: 12 }}>
        <Text
          as="h3"
          size={500}
          weight="semibold"
          id="import-step"
          ref={heading}
          tabIndex={-1}
          style={{ outline: "none", margin: 0 }}
        >
          {steps[current][1]}
        </Text>
        {problem && (
          <MessageBar intent="error" layout="multiline">
            <MessageBarBody>{problem}</MessageBarBody>
          </MessageBar>
        )}
        {step === "file" && <FileStep file={file} sent={sent} busy={busy} onPick={upload} />}
        {step === "settings" && preview && file && (
          <SettingsStep
            preview={preview}
            file={file}
            busy={busy}
            onChange={(settings) =>
              attempt(async () => showPreview(await run((api) => api.configure(id, settings)), file))
            }
            onBack={restart}
            onNext={() => setStep(hasColumns ? "mapping" : "duplicates")}
          />
        )}
        {step === "mapping" && preview && (
          <MappingStep
            preview={preview}
            samples={samples}
            busy={busy}
            run={run}
            onProblem={setProblem}
            onBack={() => setStep("settings")}
            onNext={(mapping) =>
              attempt(async () => {
                if (mapping) setPreview(await run((api) => api.configure(id, { mapping })));
                setStep("duplicates");
              })
            }
          />
        )}
        {step === "duplicates" && (
          <DuplicatesStep
            value={duplicates}
            busy={busy}
            onChange={setDuplicates}
            onBack={() => setStep(hasColumns ? "mapping" : "settings")}
            onNext={() =>
              attempt(async () => {
                setDryRun(await run((api) => api.dryRun(id, duplicates)));
                setStep("review");
              })
            }
          />
        )}
        {step === "review" && dryRun && (
          <DryRunStep
            dryRun={dryRun}
            busy={busy}
            onBack={() => setStep("duplicates")}
            onImport={() =>
              attempt(async () => {
                setStatus(await run((api) => api.commit(id, duplicates)));
                setStep("importing");
                await follow(id);
                if (mounted.current) setStep("result");
              })
            }
          />
        )}
        {step === "importing" && status && (
          <ProgressStep
            status={status}
            onCancel={() => attempt(async () => void (await run((api) => api.cancel(id))))}
          />
        )}
        {step === "result" && status && (
          <ResultStep
            status={status}
            fileName={file?.name ?? "import"}
            bookId={bookId}
            busy={busy}
            onUndo={() =>
              attempt(async () => {
                setStatus(await run((api) => api.undo(id)));
                await follow(id);
              })
            }
            onAnother={restart}
          />
        )}
      </section>
    </Page>
  );
}

function Page({ bookId, title, children }: { bookId: string; title: string; children: ReactNode }) {
  return (
    <div style={{ height: "100%", overflowY: "auto", boxSizing: "border-box" }}>
      <div style={{ display: "grid", gap: 16, padding: 16, maxWidth: 960, margin: "0 auto", boxSizing: "border-box" }}>
        <Text as="h2" size={600} weight="semibold" style={{ margin: 0 }}>
          {title}
        </Text>
        <Link to={`/books/${encodeURIComponent(bookId)}`}>Back to the address book</Link>
        {children}
      </div>
    </div>
  );
}
