import dns from "node:dns";
import ipaddr from "ipaddr.js";

/** True for a public unicast address; loopback, private, link-local, reserved and the like are not. */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

export class WebhookUrlError extends Error {
  override name = "WebhookUrlError";
}

/**
 * Checks a webhook URL when a task is created: http(s), no credentials, and (unless private
 * addresses are allowed) a host whose every address is public. Sending checks again, on the
 * address it connects to, so a name that changes its answer gains nothing.
 */
export async function checkWebhookUrl(raw: string, allowPrivate: boolean): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlError("webhook_url is not a URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new WebhookUrlError("webhook_url must be http or https");
  if (url.username || url.password)
    throw new WebhookUrlError("webhook_url must not carry a user name or password");
  if (allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  try {
    addresses = ipaddr.isValid(host)
      ? [host]
      : (await dns.promises.lookup(host, { all: true })).map((a) => a.address);
  } catch {
    throw new WebhookUrlError(`webhook_url's host ${host} cannot be resolved`);
  }
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) {
    throw new WebhookUrlError(
      `webhook_url points to a private or loopback address (${host}); the server refuses those unless started with --allow-private-webhooks`,
    );
  }
  return url;
}

/**
 * A `lookup` for node:http that refuses to connect to a non-public address (unless allowed): the
 * check is on the address actually used.
 */
export function guardedLookup(allowPrivate: boolean): typeof dns.lookup {
  const lookup = (hostname: string, options: dns.LookupOptions, callback: (...args: unknown[]) => void) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err);
      const list = addresses as dns.LookupAddress[];
      const allowed = allowPrivate ? list : list.filter((a) => isPublicAddress(a.address));
      if (allowed.length === 0) {
        return callback(
          Object.assign(new Error(`${hostname} resolves to no public address`), { code: "EPRIVATE" }),
        );
      }
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
  return lookup as unknown as typeof dns.lookup;
}
