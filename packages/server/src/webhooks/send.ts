import http from "node:http";
import https from "node:https";
import ipaddr from "ipaddr.js";
import { guardedLookup, isPublicAddress } from "./address-policy.js";

export type SendResult = { ok: boolean; status: number | null; error: string | null };
export type WebhookSender = (
  url: string,
  headers: Record<string, string>,
  body: string,
) => Promise<SendResult>;

/**
 * POSTs one webhook: a 2xx is delivered; a redirect is not followed (it counts as a failure);
 * the whole exchange has `timeoutMs`; the address connected to must be public unless allowed.
 */
export function httpSender(options: {
  timeoutMs: number;
  allowPrivate: boolean;
  userAgent: string;
}): WebhookSender {
  const lookup = guardedLookup(options.allowPrivate);
  return (url, headers, body) =>
    new Promise<SendResult>((resolve) => {
      const target = new URL(url);
      // A literal address is connected to without a lookup: check it here.
      const literal = target.hostname.replace(/^\[|\]$/g, "");
      if (!options.allowPrivate && ipaddr.isValid(literal) && !isPublicAddress(literal)) {
        resolve({ ok: false, status: null, error: `${literal} is not a public address` });
        return;
      }
      const client = target.protocol === "https:" ? https : http;
      let settled = false;
      const finish = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const request = client.request(
        target,
        {
          method: "POST",
          lookup,
          agent: false,
          headers: {
            ...headers,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            "user-agent": options.userAgent,
          },
        },
        (response) => {
          const status = response.statusCode ?? 0;
          response.resume();
          response.on("end", () =>
            finish({
              ok: status >= 200 && status < 300,
              status,
              error:
                status >= 300 && status < 400
                  ? `redirect to ${response.headers.location ?? "?"} not followed`
                  : null,
            }),
          );
          response.on("error", (err) => finish({ ok: false, status, error: err.message }));
        },
      );
      const timer = setTimeout(() => {
        request.destroy(new Error(`no answer within ${options.timeoutMs / 1000} s`));
      }, options.timeoutMs);
      request.on("error", (err) => finish({ ok: false, status: null, error: err.message }));
      request.end(body);
    });
}
