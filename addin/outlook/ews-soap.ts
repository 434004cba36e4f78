// SOAP envelopes and response messages for EWS, with the response codes the
// Concord store must tell apart. Operation references: "EWS operations in
// Exchange" (learn.microsoft.com/exchange/client-developer/web-service-reference/ews-operations-in-exchange).
import { attribute, child, children, descendants, parseXml, text, type XmlNode } from "./ews-xml";
import { ewsMessageLimit, type EwsTransport } from "./ews-transport";

export const typesNamespace = "http://schemas.microsoft.com/exchange/services/2006/types";
export const messagesNamespace = "http://schemas.microsoft.com/exchange/services/2006/messages";

// No XML declaration: the makeEwsRequestAsync reference says a request that must
// declare encoding="utf-8" has to use Graph/REST instead; without one it is accepted.
export function envelope(body: string): string {
  return (
    `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="${typesNamespace}" xmlns:m="${messagesNamespace}">` +
    `<soap:Header><t:RequestServerVersion Version="Exchange2013"/></soap:Header>` +
    `<soap:Body>${body}</soap:Body></soap:Envelope>`
  );
}

const explanations: Record<string, string> = {
  ErrorItemNotFound: "the Outlook contact no longer exists (deleted or moved since it was read)",
  ErrorChangeKeyRequired: "Exchange needs the contact's ChangeKey for this write; read the folder again",
  ErrorChangeKeyRequiredForWriteOperations:
    "Exchange needs the contact's ChangeKey for this write; read the folder again",
  ErrorIrresolvableConflict: "the contact changed in Outlook since it was read; read it again and merge before writing",
  ErrorStaleObject: "the contact changed in Outlook since it was read; read it again and merge before writing",
  ErrorServerBusy: "Exchange is throttling this mailbox and still refused after the back-off retries",
  ErrorInvalidRequest:
    "Exchange refused the request; add-ins may call only the EWS operations listed in 'EWS operations that add-ins support'",
  ErrorFolderNotFound: "the Outlook contact folder no longer exists",
  RequestTooLarge: "the EWS request would exceed the 1 MB makeEwsRequestAsync limit",
};

/** A failed EWS response message or SOAP fault, with Exchange's ResponseCode. */
export class EwsError extends Error {
  constructor(
    readonly code: string,
    detail: string,
    readonly backOffMs?: number,
  ) {
    super(`${code}: ${explanations[code] ?? "Exchange reported an error"}${detail ? ` (${detail})` : ""}`);
    this.name = "EwsError";
  }
}

/** One `*ResponseMessage` element: its class, code and the node holding its payload. */
export type ResponseMessage = {
  responseClass: string;
  code: string;
  messageText: string;
  backOffMs?: number;
  node: XmlNode;
};

// MS-OXWSCDATA 2.2.4.43 MessageXml: throttling puts <t:Value Name="BackOffMilliseconds"> here.
function backOffOf(holder: XmlNode | undefined): number | undefined {
  if (!holder) return undefined;
  const value = descendants([holder], "Value").find((v) => attribute(v, "Name") === "BackOffMilliseconds");
  const ms = value ? Number(text(value)) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

function faultOf(tree: XmlNode[]): EwsError | undefined {
  const fault = descendants(tree, "Fault")[0];
  if (!fault) return undefined;
  const detail = child(fault, "detail");
  const code =
    text(detail && child(detail, "ResponseCode")) || text(child(fault, "faultcode")).replace(/^.*:/, "") || "SoapFault";
  return new EwsError(code, text(child(fault, "faultstring")), backOffOf(detail && child(detail, "MessageXml")));
}

export function parseResponseMessages(xml: string): ResponseMessage[] {
  const tree = parseXml(xml);
  const fault = faultOf(tree);
  if (fault) throw fault;
  const container = descendants(tree, "ResponseMessages")[0];
  if (!container) throw new EwsError("MalformedResponse", "no ResponseMessages in the SOAP body");
  return children(container).map((node) => ({
    responseClass: attribute(node, "ResponseClass") ?? "Success",
    code: text(child(node, "ResponseCode")) || "NoError",
    messageText: text(child(node, "MessageText")),
    backOffMs: backOffOf(child(node, "MessageXml")),
    node,
  }));
}

export function errorOf(message: ResponseMessage): EwsError | undefined {
  if (message.responseClass === "Success") return undefined;
  return new EwsError(message.code, message.messageText, message.backOffMs);
}

export type CallOptions = {
  transport: EwsTransport;
  sleep: (ms: number) => Promise<void>;
  maxRetries: number;
  messageLimit: number;
};

export const defaultCallOptions = {
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  maxRetries: 5,
  messageLimit: ewsMessageLimit,
};

const isBusy = (e: EwsError | undefined) => e?.code === "ErrorServerBusy";

// "EWS throttling in Exchange": on ErrorServerBusy wait BackOffMilliseconds
// before resubmitting; when Exchange gives none, back off exponentially.
function backOff(error: EwsError, attempt: number): number {
  return Math.min(error.backOffMs ?? 500 * 2 ** attempt, 5 * 60_000);
}

/**
 * Sends one operation and returns its response messages. Retries the whole
 * request when Exchange throttles it as a whole (a SOAP fault, or every message
 * ErrorServerBusy), since then nothing was done.
 */
export async function callEws(options: CallOptions, operationXml: string): Promise<ResponseMessage[]> {
  const soap = envelope(operationXml);
  if (soap.length > options.messageLimit) {
    throw new EwsError("RequestTooLarge", `${soap.length} characters, limit ${options.messageLimit}`);
  }
  for (let attempt = 0; ; attempt++) {
    let busy: EwsError;
    try {
      const messages = parseResponseMessages(await options.transport(soap));
      const errors = messages.map(errorOf);
      if (messages.length === 0 || !errors.every(isBusy)) return messages;
      busy = errors[0]!;
    } catch (error) {
      if (!(error instanceof EwsError) || !isBusy(error)) throw error;
      busy = error;
    }
    if (attempt >= options.maxRetries) throw new EwsError("ErrorServerBusy", `gave up after ${attempt + 1} attempts`);
    await options.sleep(backOff(busy, attempt));
  }
}
