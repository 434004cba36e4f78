import type { Request, Response, NextFunction, RequestHandler } from "express";

/** Express 4 does not catch rejected promises; this sends them to the error handler. */
export const handle =
  (fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler =>
  (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
