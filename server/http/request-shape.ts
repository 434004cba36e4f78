// Answers for requests the routes do not take: a method a path does not have (405 with Allow,
// RFC 9110 §15.5.6, rather than 404), and a form-encoded body where JSON is expected (415).
import type { Express, Request, RequestHandler } from "express";
import { HttpError } from "./errors";

type Layer = {
  route?: { methods: Record<string, boolean> };
  name?: string;
  handle?: { stack?: Layer[] };
  match(path: string): boolean;
};

function methodsFor(stack: Layer[], path: string): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) return layer.match(path) ? Object.keys(layer.route.methods).filter((m) => m !== "_all") : [];
    return layer.name === "router" && layer.handle?.stack ? methodsFor(layer.handle.stack, path) : [];
  });
}

/** Mount after every route: a path that exists under other methods answers 405 with Allow. */
export function methodNotAllowed(app: Express): RequestHandler {
  return (req, res, next) => {
    const stack = (app as unknown as { _router: { stack: Layer[] } })._router.stack;
    const methods = new Set(methodsFor(stack, req.path).map((m) => m.toUpperCase()));
    if (methods.size === 0) return next();
    if (methods.has("GET")) methods.add("HEAD");
    const allow = [...methods].sort().join(", ");
    res.set("Allow", allow);
    next(new HttpError(405, "method-not-allowed", `${req.method} is not allowed on ${req.path}; use ${allow}`));
  };
}

/** HTML forms and multipart uploads are not what the API reads: say so, instead of "invalid body".
 *  `uploads`: the requests that may post a file as multipart/form-data (the import upload). */
export function refuseForms(uploads: (req: Request) => boolean = () => false): RequestHandler {
  return (req, _res, next) =>
    next(
      req.is(["application/x-www-form-urlencoded", "multipart/form-data"]) &&
        !(req.is("multipart/form-data") && uploads(req))
        ? new HttpError(415, "unsupported-media-type", "Send JSON (Content-Type: application/json), not a form")
        : undefined,
    );
}
