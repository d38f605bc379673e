import { isIpLiteral, type HostPattern } from '../destination/host.js';
import type { OriginationRoute, TlsSettings } from '../config/model.js';
import type { UpstreamTls } from './trust.js';
import { hostHeaderFor, type RequestTarget } from '../pipeline/target.js';

/**
 * TLS origination: a cleartext request (forward proxy, gateway mode, cleartext tunnel) that
 * matches a route goes to the route's upstream over TLS, so the app needs no CA and the gateway
 * still reads every byte. The first matching route wins. The destination (zone, ports, special
 * addresses) is then decided on the upstream host, as for any request.
 */
export function routeTarget(target: RequestTarget, routes: readonly OriginationRoute[]): RequestTarget {
  if (routes.length === 0 || target.tls) return target;
  for (const route of routes) {
    if (route.host !== null && !hostMatches(route.host, target.host)) continue;
    if (route.pathPrefix !== null && !target.pathname.startsWith(route.pathPrefix)) continue;
    const host = route.upstream.host === '*' ? target.host : route.upstream.host;
    const port = route.upstream.port;
    return { ...target, host, port, hostHeader: hostHeaderFor(host, port, 443), tls: true };
  }
  return target;
}

function hostMatches(pattern: HostPattern, host: string): boolean {
  // "*.a.b" matches names below a.b at any depth, never a.b itself (as destination hosts do).
  return pattern.kind === 'exact' ? host === pattern.host : host.endsWith(`.${pattern.host}`);
}

/** What the upstream call needs for a TLS target: the name to verify (none for an IP literal,
 *  which is checked against the certificate's IP addresses) and the CAs trusted. */
export function upstreamTlsFor(target: RequestTarget, settings: TlsSettings): { tls?: UpstreamTls } {
  if (!target.tls) return {};
  return { tls: { servername: isIpLiteral(target.host) ? null : target.host, trust: settings.upstreamTrust } };
}
